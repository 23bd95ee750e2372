package io.inferencegw.plugins.lenet;

import java.nio.file.Path;

/** Where the weights this module ships live, seen from the module directory (surefire's cwd). */
final class ShippedWeights {

  private ShippedWeights() {}

  static Path weightsDir() {
    return Path.of(System.getProperty("lenet.weightsDir", "weights"));
  }

  static Path defaultModelDir() {
    return Path.of(System.getProperty(
        "lenet.defaultModelDir", "../../gateway/src/main/resources/default-model"));
  }

  /** The trained weights of {@code variant}, kept with the plugin. */
  static Path of(String variant) {
    return weightsDir().resolve("fashion-" + variant + ".safetensors");
  }

  /** The gateway's default model: the better of the two variants. */
  static Path defaultModel() {
    return defaultModelDir().resolve("fashion-lenet.safetensors");
  }

  static Path defaultLabels() {
    return defaultModelDir().resolve("fashion-mnist.txt");
  }
}
