package io.inferencegw.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The config file of the served gateway: the variant under test with the gateway's defaults for
 * everything (replicas, threads, batching, layout), and, as a second model on the same gateway,
 * the same variant as one replica on all the cores (the default before CPU models got two
 * replicas), so that one run compares the two placements.
 */
final class ServingConfig {

  static final String ONE_REPLICA_SUFFIX = "-x1";

  private ServingConfig() {}

  static Path write(Path dir, Path pluginsDir, String family, String variant, Path weights)
      throws IOException {
    String entry = """
          - name: %s
            family: %s
            variant: %s
            weights: %s
        """;
    String weightsName = dir.relativize(weights).toString();
    String yaml = "# written by the serving benchmark\n"
        + "plugins: " + pluginsDir.toAbsolutePath() + "\n"
        + "model_repository: " + dir.toAbsolutePath() + "\n"
        + "models:\n"
        + entry.formatted(variant, family, variant, weightsName)
        + entry.formatted(variant + ONE_REPLICA_SUFFIX, family, variant, weightsName)
        + "    instances: 1\n";
    Path file = dir.resolve("serving.yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
