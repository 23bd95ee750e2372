package io.inferencegw.plugin.api.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.weights.SafetensorsDtype;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;

/**
 * What parity_reference.py reports in {@code structure.json}: the reference state_dict in
 * order, and the exact number of parameter elements.
 */
public record ReferenceStructure(String label, List<Entry> stateDict, long parameters) {

  /** One state_dict entry, e.g. {@code features.0.weight [64, 3, 11, 11] F32}. */
  public record Entry(String key, List<Long> shape, String dtype) {
    @Override
    public String toString() {
      return key + " " + shape + " " + dtype;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  public ReferenceStructure {
    stateDict = List.copyOf(stateDict);
  }

  /**
   * The structure of one of our modules, to compare with a reference's, or with another way of
   * building the same network.
   */
  public static ReferenceStructure of(String label, Module model) {
    List<Entry> entries = new ArrayList<>();
    try (PointerScope scope = new PointerScope()) {
      StateDict.of(model).forEach((key, t) -> entries.add(new Entry(key,
          Arrays.stream(t.sizes().vec().get()).boxed().toList(),
          SafetensorsDtype.fromScalarType(t.scalar_type()).name())));
    }
    return new ReferenceStructure(label, entries, StateDict.parameterCount(model));
  }

  public static ReferenceStructure read(Path file) {
    try {
      JsonNode root = JSON.readTree(file.toFile());
      List<Entry> entries = new ArrayList<>();
      for (JsonNode e : root.get("state_dict")) {
        List<Long> shape = new ArrayList<>();
        e.get("shape").forEach(d -> shape.add(d.asLong()));
        entries.add(new Entry(e.get("key").asText(), shape, e.get("dtype").asText()));
      }
      return new ReferenceStructure(
          root.get("label").asText(), entries, root.get("parameters").asLong());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
