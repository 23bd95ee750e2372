package io.inferencegw.gateway.oip;

import io.inferencegw.gateway.batching.InferenceResult;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.registry.ServedModel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The output tensors of an answer, built from one {@link InferenceResult} per sample: logits
 * as the network gave them, probabilities as their softmax, or either as the classification
 * extension's "score:index:label" strings of the top N classes.
 */
final class AnswerTensors {

  private AnswerTensors() {}

  /**
   * Checks the outputs a request asks for.
   *
   * @return them, or every output of the model when the request names none
   * @throws GatewayException INVALID_ARGUMENT for an output the model does not have
   */
  static List<RequestedOutput> requested(List<RequestedOutput> outputs, boolean binary) {
    if (outputs.isEmpty()) {
      return ModelSignature.OUTPUTS.stream().map(n -> new RequestedOutput(n, 0, binary)).toList();
    }
    for (RequestedOutput o : outputs) {
      if (!ModelSignature.OUTPUTS.contains(o.name())) {
        throw GatewayException.invalid("the model has no output '" + o.name() + "'; its outputs"
            + " are " + String.join(", ", ModelSignature.OUTPUTS));
      }
    }
    return outputs;
  }

  /** The top-k the worker computes: the largest classification asked for, at least 1. */
  static int topK(List<RequestedOutput> outputs, int numClasses) {
    int k = 1;
    for (RequestedOutput o : outputs) {
      k = Math.max(k, o.classification());
    }
    return Math.min(k, numClasses);
  }

  /** Whether the worker must return all logits: for any output but top-N probabilities. */
  static boolean needsLogits(List<RequestedOutput> outputs) {
    return outputs.stream()
        .anyMatch(o -> o.classification() == 0 || o.name().equals(ModelSignature.LOGITS));
  }

  static List<OutputTensor> build(
      List<RequestedOutput> outputs, ServedModel model, List<InferenceResult> results) {
    List<OutputTensor> out = new ArrayList<>(outputs.size());
    for (RequestedOutput o : outputs) {
      out.add(o.classification() > 0 ? classification(o, model, results) : tensor(o, results));
    }
    return out;
  }

  private static OutputTensor tensor(RequestedOutput o, List<InferenceResult> results) {
    int classes = results.get(0).logits().length;
    float[] values = new float[results.size() * classes];
    for (int i = 0; i < results.size(); i++) {
      float[] logits = results.get(i).logits();
      if (o.name().equals(ModelSignature.LOGITS)) {
        System.arraycopy(logits, 0, values, i * classes, classes);
      } else {
        softmax(logits, values, i * classes);
      }
    }
    return new OutputTensor(o.name(), "FP32", new long[] {results.size(), classes}, values, null);
  }

  /**
   * The shortest decimal that reads back as this float, without an exponent ({@code 0.0003039437},
   * not {@code 3.039437E-4}): clients split these strings and parse the score themselves.
   */
  static String plainDecimal(float value) {
    return new java.math.BigDecimal(Float.toString(value)).toPlainString();
  }

  /**
   * Triton's classification extension: per sample the top N classes by descending score, each
   * "score:index:label"; the score is the output's value for the class (a logit, or a softmax
   * probability).
   */
  private static OutputTensor classification(
      RequestedOutput o, ServedModel model, List<InferenceResult> results) {
    int n = Math.min(o.classification(), results.get(0).indices().length);
    List<byte[]> elements = new ArrayList<>(results.size() * n);
    for (InferenceResult r : results) {
      for (int j = 0; j < n; j++) {
        int index = r.indices()[j];
        float score = o.name().equals(ModelSignature.LOGITS) ? r.logits()[index] : r.scores()[j];
        elements.add((plainDecimal(score) + ":" + index + ":" + model.label(index))
            .getBytes(StandardCharsets.UTF_8));
      }
    }
    return new OutputTensor(o.name(), "BYTES", new long[] {results.size(), n}, null, elements);
  }

  /** Softmax in double, shifted by the maximum so that large logits do not overflow. */
  private static void softmax(float[] logits, float[] out, int offset) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (float l : logits) {
      sum += Math.exp(l - max);
    }
    for (int c = 0; c < logits.length; c++) {
      out[offset + c] = (float) (Math.exp(logits[c] - max) / sum);
    }
  }
}
