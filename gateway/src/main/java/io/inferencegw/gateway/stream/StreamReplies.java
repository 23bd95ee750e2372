package io.inferencegw.gateway.stream;

import io.inferencegw.gateway.batching.InferenceResult;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.registry.ServedModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The text messages a stream sends: one per binary message (with its {@code seq}), and one per
 * control message (with {@code control} instead). Field order is fixed, seq first, so that the
 * messages read well in a browser's network panel.
 */
final class StreamReplies {

  private StreamReplies() {}

  static String ok(long seq, ServedModel model, InferenceResult result) {
    JsonArray predictions = new JsonArray();
    for (int i = 0; i < result.indices().length; i++) {
      int index = result.indices()[i];
      predictions.add(new JsonObject()
          .put("index", index)
          .put("label", model.label(index))
          .put("score", result.scores()[i]));
    }
    return new JsonObject()
        .put("seq", seq)
        .put("status", "ok")
        .put("predictions", predictions)
        .put("queue_us", result.queueMicros())
        .put("compute_us", result.computeMicros())
        .put("batch_size", result.batchSize())
        .put("prepare_us", result.stages().prepareMicros())
        .put("batch_wait_us", result.stages().batchWaitMicros())
        .put("forward_us", result.stages().forwardMicros())
        .put("version", result.version())
        .encode();
  }

  static String skipped(long seq) {
    return new JsonObject()
        .put("seq", seq)
        .put("status", "skipped")
        .put("reason", "superseded")
        .encode();
  }

  static String error(long seq, GatewayException e) {
    return new JsonObject()
        .put("seq", seq)
        .put("status", "error")
        .put("code", e.code().name())
        .put("message", e.getMessage())
        .encode();
  }

  static String controlOk(String name) {
    return new JsonObject().put("control", name).put("status", "ok").encode();
  }

  /** A control message that was refused; {@code control} is null, as it did not apply. */
  static String controlError(GatewayException e) {
    return new JsonObject()
        .putNull("control")
        .put("status", "error")
        .put("code", e.code().name())
        .put("message", e.getMessage())
        .encode();
  }
}
