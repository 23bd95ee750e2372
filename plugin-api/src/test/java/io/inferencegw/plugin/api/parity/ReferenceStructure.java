package io.inferencegw.plugin.api.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
