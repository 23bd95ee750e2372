package io.inferencegw.gateway.oip;

import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.ServedModel;
import java.util.LinkedHashMap;
import java.util.Map;

/** Model lookups and descriptions shared by the gRPC and REST bindings. */
final class OipModels {

  private OipModels() {}

  /**
   * The model a metadata or readiness request names, in any state.
   *
   * @throws GatewayException NOT_FOUND for an unknown model or version, INVALID_ARGUMENT when
   *     no model is named
   */
  static ServedModel find(ModelManager models, String name, String version) {
    if (name.isEmpty()) {
      throw GatewayException.invalid("request names no model");
    }
    return models.resolve(name, version).orElseThrow(() -> new GatewayException(
        ErrorCode.NOT_FOUND, version.isEmpty()
            ? "model " + name + " is not served" : "model " + name + " has no version " + version));
  }

  /** The framework and network, as ModelMetadata's platform. */
  static String platform(ServedModel model) {
    return "libtorch_" + model.config().family() + "_" + model.config().variant();
  }

  /** What metadata's three shapes cannot say. */
  static Map<String, String> properties(ServedModel model) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("state", model.state().name());
    p.put("inputs", "send exactly one of the inputs; its first dimension is the batch");
    p.put(ModelSignature.IMAGE, "encoded JPEG, PNG or BMP images; in JSON each element is a"
        + " base64 string; shape [batch] or [batch, 1]");
    p.put(ModelSignature.PIXELS, "raw pixels [batch, height, width, channels], channels 1 or 3,"
        + " preprocessed like images");
    p.put(ModelSignature.TENSOR, "already preprocessed, finite values");
    p.put("classification", "any output with parameter classification: N answers the top N"
        + " classes as BYTES 'score:index:label'");
    p.put("max_batch", Integer.toString(model.queue().batching().queueCapacity()));
    return p;
  }

  /** The classification extension's N: at least 1; above the class count means all classes. */
  static int classificationCount(String output, long n) {
    if (n < 1) {
      throw GatewayException.invalid("output '" + output + "': classification must be at"
          + " least 1, got " + n);
    }
    return (int) Math.min(n, Integer.MAX_VALUE);
  }
}
