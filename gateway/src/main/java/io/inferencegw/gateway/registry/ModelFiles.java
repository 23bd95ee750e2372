package io.inferencegw.gateway.registry;

import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.config.ResourceRef;
import io.inferencegw.gateway.worker.WeightsSource;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.weights.SafetensorsFormatException;
import io.inferencegw.plugin.api.weights.SafetensorsReader;
import io.inferencegw.plugin.api.weights.WeightsProvenance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/**
 * The files a model version is served from, read and checked before any replica is built: the
 * labels, and the weights file's header (format, and the family and variant it records). A wrong
 * file fails here, cheaply and with the file's fault named. Keys, shapes, dtypes and values are
 * checked by each replica's strict load.
 */
record ModelFiles(List<String> labels, WeightsSource weights) {

  /** Labels files hold one short line per class; 4 MiB fits 100k classes of 40 characters. */
  private static final long MAX_LABELS_BYTES = 4L * 1024 * 1024;

  /** Blocking: reads files. */
  static ModelFiles read(ModelConfig config, VariantSpec spec) {
    List<String> labels = List.of();
    if (config.labels().isPresent()) {
      labels = readLabels(config, spec, config.labels().get());
    }
    ResourceRef weights = config.weights();
    try {
      byte[] bytes = weights.path().isPresent() ? null : weights.readAllBytes();
      try (SafetensorsReader header = bytes == null
          ? SafetensorsReader.open(weights.path().get())
          : SafetensorsReader.of(bytes, weights.describe())) {
        WeightsProvenance.check(header, config.family(), spec.name());
      }
      return new ModelFiles(labels, new WeightsSource(weights, bytes));
    } catch (IOException e) {
      throw new ModelLoadException(ModelLoadException.Kind.INVALID_FILE,
          "model " + config.name() + ": weights " + weights.describe() + " cannot be loaded: "
              + describe(e), e);
    }
  }

  private static List<String> readLabels(ModelConfig config, VariantSpec spec, ResourceRef ref) {
    String problem;
    try {
      if (ref.path().isPresent() && Files.size(ref.path().get()) > MAX_LABELS_BYTES) {
        problem = "is larger than " + MAX_LABELS_BYTES + " bytes";
      } else {
        List<String> labels =
            new String(ref.readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
        if (labels.size() == spec.numClasses()) {
          return labels;
        }
        problem = "has " + labels.size() + " labels but variant " + spec.name() + " has "
            + spec.numClasses() + " classes";
      }
    } catch (IOException e) {
      problem = "cannot be read (" + describe(e) + ")";
    }
    throw new ModelLoadException(ModelLoadException.Kind.INVALID_FILE,
        "model " + config.name() + ": labels file " + ref.describe() + " " + problem);
  }

  /** An I/O error's message, with its type when the message alone is only a path. */
  private static String describe(IOException e) {
    if (e instanceof SafetensorsFormatException) {
      return e.getMessage();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
