package io.inferencegw.gateway.oip;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.batching.InferenceResult;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.gateway.admission.ModelRouting;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.ServedModel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Open Inference Protocol request on its way through the model queue: a batch of N samples
 * becomes N queue entries, batched with everyone else's requests like Classify calls, and the
 * request is answered when all N are. The first failure answers the request (naming the
 * element for a bad sample) and withdraws the samples still queued; those already running
 * complete and are dropped. Lives on the event loop of the call: every callback runs there.
 */
final class SplitInference {

  /**
   * The answer: the outputs, in the order of {@code requested}, the version that computed them,
   * and the first sample's result, whose queue and compute times stand for the request's.
   */
  record Answer(String modelName, String version, List<RequestedOutput> requested,
      List<OutputTensor> outputs, InferenceResult timing) {}

  private record Admitted(ServedModel model, InferenceRequest request) {}

  private final String inputName;
  private final List<Admitted> admitted = new ArrayList<>();
  private final Promise<Answer> answer = Promise.promise();
  private int pending;

  private SplitInference(String inputName) {
    this.inputName = inputName;
  }

  /**
   * Routes, checks and admits a request.
   *
   * @param binary whether outputs the request does not name are answered in binary form
   * @param timeoutNanos time left for the request, 0 for no deadline
   * @throws GatewayException what Classify would answer for the same problem (NOT_FOUND,
   *     UNAVAILABLE, INVALID_ARGUMENT naming the input and element, RESOURCE_EXHAUSTED); then
   *     nothing of the request remains queued
   */
  static SplitInference start(Vertx vertx, ModelManager models, InputLimits limits,
      InferCall call, boolean binary, long timeoutNanos) {
    ServedModel model = ModelRouting.route(models, call.model(), call.version());
    if (call.inputs().size() != 1) {
      throw GatewayException.invalid("the model takes exactly one input (one of "
          + ModelSignature.inputs(model.spec()).stream().map(ModelSignature.TensorSpec::name)
              .toList() + "), got " + call.inputs().size());
    }
    InputTensor input = call.inputs().get(0);
    List<RequestedOutput> outputs = AnswerTensors.requested(call.outputs(), binary);
    List<ModelInput> samples = ModelSignature.samples(
        input, model.spec(), limits, model.queue().batching().queueCapacity());
    int topK = AnswerTensors.topK(outputs, model.spec().numClasses());
    boolean logits = AnswerTensors.needsLogits(outputs);
    long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : Long.MAX_VALUE;
    Context context = vertx.getOrCreateContext();
    SplitInference split = new SplitInference(input.name());
    InferenceResult[] results = new InferenceResult[samples.size()];
    split.pending = samples.size();
    for (int i = 0; i < samples.size(); i++) {
      InferenceRequest request =
          new InferenceRequest(samples.get(i), topK, logits, deadline, context);
      ServedModel served;
      try {
        served = ModelRouting.admit(models, model, call.version(), request);
      } catch (GatewayException e) {
        split.withdraw(ErrorCode.CANCELLED, "another sample of the request was not admitted");
        throw e;
      }
      split.admitted.add(new Admitted(served, request));
      int index = i;
      request.result().onComplete(done -> {
        if (done.succeeded()) {
          results[index] = done.result();
          split.sampleDone(model, outputs, results);
        } else {
          split.sampleFailed(index, done.cause());
        }
      });
    }
    if (timeoutNanos > 0) {
      // Vert.x timers count whole milliseconds: a shorter deadline fires after one.
      long timerMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
      long timer = vertx.setTimer(timerMs, id -> split.withdraw(ErrorCode.DEADLINE_EXCEEDED,
          "deadline of " + TimeUnit.NANOSECONDS.toMicros(timeoutNanos)
              + " µs passed while queued for " + model.name()));
      split.answer.future().onComplete(done -> vertx.cancelTimer(timer));
    }
    return split;
  }

  Future<Answer> answer() {
    return answer.future();
  }

  /** The client went away: its samples still queued are not computed. */
  void cancel() {
    withdraw(ErrorCode.CANCELLED, "cancelled by the client");
  }

  private void sampleDone(
      ServedModel model, List<RequestedOutput> outputs, InferenceResult[] results) {
    if (--pending > 0 || answer.future().isComplete()) {
      return;
    }
    try {
      answer.complete(new Answer(model.name(), results[0].version(), outputs,
          AnswerTensors.build(outputs, model, List.of(results)), results[0]));
    } catch (RuntimeException e) {
      answer.fail(e);
    }
  }

  private void sampleFailed(int index, Throwable error) {
    if (answer.future().isComplete()) {
      return;
    }
    answer.fail(error instanceof GatewayException e && e.code() == ErrorCode.INVALID_ARGUMENT
        ? ModelSignature.atElement(inputName, index, e) : error);
    withdraw(ErrorCode.CANCELLED, "another sample of the request failed");
  }

  /** Answers the samples still queued (which frees their queue slots and input memory). */
  private void withdraw(ErrorCode code, String message) {
    for (Admitted a : admitted) {
      if (a.model().queue().remove(a.request())) {
        a.request().fail(code, message);
      }
    }
  }
}
