package io.inferencegw.gateway.oip;

import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.gateway.admission.ModelInputs;
import io.inferencegw.gateway.preprocess.TensorInput;
import io.inferencegw.plugin.api.VariantSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tensors a classifier takes and gives over the Open Inference Protocol: one place for what
 * ModelMetadata describes and for how a request's input becomes one {@link ModelInput} per
 * sample. A request sends exactly one of the inputs; its first dimension is the batch.
 *
 * <ul>
 *   <li>{@value #IMAGE}: BYTES [batch] or [batch, 1], encoded JPEG/PNG/BMP images, preprocessed
 *       as the model's preprocessing says (as Classify.image)
 *   <li>{@value #PIXELS}: UINT8 [batch, H, W, C], C 1 or 3, raw pixels, preprocessed likewise
 *   <li>{@value #TENSOR}: FP32 [batch, C, H, W] of the model input, already preprocessed
 * </ul>
 *
 * Outputs: {@value #LOGITS} and {@value #PROBABILITIES} (softmax), FP32 [batch, classes].
 */
final class ModelSignature {

  static final String IMAGE = "image";
  static final String PIXELS = "pixels";
  static final String TENSOR = "tensor";
  static final String LOGITS = "logits";
  static final String PROBABILITIES = "probabilities";
  static final List<String> OUTPUTS = List.of(LOGITS, PROBABILITIES);

  /** A tensor as metadata describes it; -1 is a dimension of any size. */
  record TensorSpec(String name, String datatype, long[] shape) {}

  private ModelSignature() {}

  static List<TensorSpec> inputs(VariantSpec spec) {
    return List.of(
        new TensorSpec(IMAGE, "BYTES", new long[] {-1}),
        new TensorSpec(PIXELS, "UINT8", new long[] {-1, -1, -1, -1}),
        new TensorSpec(TENSOR, "FP32", concat(-1, chw(spec))));
  }

  static List<TensorSpec> outputs(VariantSpec spec) {
    return List.of(
        new TensorSpec(LOGITS, "FP32", new long[] {-1, spec.numClasses()}),
        new TensorSpec(PROBABILITIES, "FP32", new long[] {-1, spec.numClasses()}));
  }

  /**
   * The samples of a request's input, one per element of its batch dimension, each checked as
   * Classify checks its input.
   *
   * @param maxBatch the most samples one request may carry
   * @throws GatewayException INVALID_ARGUMENT naming the input, and the element for a bad sample
   */
  static List<ModelInput> samples(
      InputTensor in, VariantSpec spec, InputLimits limits, int maxBatch) {
    TensorSpec expected =
        inputs(spec).stream().filter(t -> t.name().equals(in.name())).findFirst().orElseThrow(
            () -> GatewayException.invalid("the model has no input '" + in.name() + "'; it takes"
                + " one of " + describe(inputs(spec))));
    if (!expected.datatype().equals(in.datatype())) {
      throw invalid(in, "datatype is " + in.datatype() + ", expected " + expected.datatype());
    }
    long[] shape = in.shape();
    if (shape.length == 0 || Arrays.stream(shape).anyMatch(d -> d < 0)) {
      throw invalid(in, "shape " + Arrays.toString(shape) + " has no batch dimension or a"
          + " negative dimension");
    }
    long batch = shape[0];
    if (batch < 1 || batch > maxBatch) {
      throw invalid(in, "batch of " + batch + " samples, expected 1 to " + maxBatch
          + " (the model's queue capacity)");
    }
    return switch (in.name()) {
      case IMAGE -> images(in, (int) batch, limits);
      case PIXELS -> pixels(in, (int) batch, limits);
      default -> tensors(in, (int) batch, spec);
    };
  }

  private static List<ModelInput> images(InputTensor in, int batch, InputLimits limits) {
    long[] shape = in.shape();
    if (shape.length > 2 || (shape.length == 2 && shape[1] != 1)) {
      throw invalid(in, "shape " + Arrays.toString(shape) + ", expected [batch] or [batch, 1]");
    }
    if (in.elements().size() != batch) {
      throw invalid(in, "holds " + in.elements().size() + " elements, its shape says " + batch);
    }
    List<ModelInput> out = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      try {
        out.add(ModelInputs.encodedImage(in.elements().get(i), limits));
      } catch (GatewayException e) {
        throw atElement(in.name(), i, e);
      }
    }
    return out;
  }

  private static List<ModelInput> pixels(InputTensor in, int batch, InputLimits limits) {
    long[] shape = in.shape();
    if (shape.length != 4) {
      throw invalid(in, "shape " + Arrays.toString(shape) + ", expected [batch, H, W, C]");
    }
    if (shape[1] > Integer.MAX_VALUE || shape[2] > Integer.MAX_VALUE || shape[3] > 3) {
      throw invalid(in, "shape " + Arrays.toString(shape) + " is out of range (C is 1 or 3)");
    }
    long sample = checkedSize(in, 1);
    List<ModelInput> out = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      byte[] pixels = Arrays.copyOfRange(in.raw(), (int) (i * sample), (int) ((i + 1) * sample));
      try {
        out.add(ModelInputs.rawPixels(
            (int) shape[2], (int) shape[1], (int) shape[3], pixels, limits));
      } catch (GatewayException e) {
        throw atElement(in.name(), i, e);
      }
    }
    return out;
  }

  private static List<ModelInput> tensors(InputTensor in, int batch, VariantSpec spec) {
    long[] chw = chw(spec);
    long[] sampleShape = Arrays.copyOfRange(in.shape(), 1, in.shape().length);
    if (!Arrays.equals(sampleShape, chw)) {
      throw invalid(in, "shape " + Arrays.toString(in.shape()) + ", expected "
          + Arrays.toString(concat(batch, chw)));
    }
    long sample = checkedSize(in, Float.BYTES);
    List<Long> shape = Arrays.stream(chw).boxed().toList();
    List<ModelInput> out = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      int from = (int) (i * sample);
      try {
        TensorInput.requireFinite(ByteBuffer.wrap(in.raw(), from, (int) sample).slice());
      } catch (GatewayException e) {
        throw atElement(in.name(), i, e);
      }
      out.add(new ModelInput.PreprocessedTensor(
          shape, Arrays.copyOfRange(in.raw(), from, (int) (from + sample))));
    }
    return out;
  }

  /**
   * Checks that the raw data holds exactly the elements the shape says.
   *
   * @return the bytes of one sample
   */
  private static long checkedSize(InputTensor in, int elementBytes) {
    long sample = elementBytes;
    try {
      for (int d = 1; d < in.shape().length; d++) {
        sample = Math.multiplyExact(sample, in.shape()[d]);
      }
      long total = Math.multiplyExact(sample, in.shape()[0]);
      if (total != in.raw().length) {
        throw invalid(in, "holds " + in.raw().length + " bytes, its shape "
            + Arrays.toString(in.shape()) + " needs " + total);
      }
    } catch (ArithmeticException overflow) {
      throw invalid(in, "shape " + Arrays.toString(in.shape()) + " is too large");
    }
    return sample;
  }

  static GatewayException atElement(String input, int index, GatewayException e) {
    return new GatewayException(
        e.code(), "input '" + input + "' element " + index + ": " + e.getMessage());
  }

  private static GatewayException invalid(InputTensor in, String problem) {
    return GatewayException.invalid("input '" + in.name() + "': " + problem);
  }

  private static String describe(List<TensorSpec> tensors) {
    StringBuilder s = new StringBuilder();
    for (TensorSpec t : tensors) {
      s.append(s.isEmpty() ? "" : ", ").append(t.name()).append(" (").append(t.datatype())
          .append(' ').append(Arrays.toString(t.shape())).append(')');
    }
    return s.toString();
  }

  private static long[] chw(VariantSpec spec) {
    return spec.inputShape().stream().mapToLong(Integer::longValue).toArray();
  }

  private static long[] concat(long first, long[] rest) {
    long[] out = new long[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }
}
