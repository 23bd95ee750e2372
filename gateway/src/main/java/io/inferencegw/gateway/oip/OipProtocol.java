package io.inferencegw.gateway.oip;

import java.util.List;

/** What the gateway tells Open Inference Protocol clients about itself. */
final class OipProtocol {

  static final String SERVER_NAME = "inference-gateway";

  /** The extensions implemented, as ServerMetadata lists them. */
  static final List<String> EXTENSIONS =
      List.of("binary_tensor_data", "classification", "model_repository",
          "model_repository(unload_dependents)");

  /** The parameter that asks for the classification extension on a requested output. */
  static final String CLASSIFICATION = "classification";

  private OipProtocol() {}

  static String serverVersion() {
    String v = OipProtocol.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
