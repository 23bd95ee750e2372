package io.inferencegw.gateway.bench;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.weights.SafetensorsWriter;
import io.inferencegw.plugin.api.weights.WeightsProvenance;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * A checkpoint for any catalog variant, for benchmarks: the family's own initialisation, saved
 * as safetensors, so that a variant without trained weights can be served and timed.
 */
public final class RandomWeights {

  private RandomWeights() {}

  /** Builds the variant with its family's initialisation and writes its state_dict to file. */
  public static Path write(ModelFamily family, String variant, Path file) {
    try (ClassifierModule network = family.build(variant);
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> state = StateDict.of(network);
      Map<String, String> metadata = new LinkedHashMap<>(WeightsProvenance.of(family.name(), variant));
      metadata.put("source", "random " + family.name() + "/" + variant + " for benchmarks");
      SafetensorsWriter.write(file, state, metadata);
    }
    return file;
  }
}
