package io.inferencegw.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The config file of the served gateway: the variant under test with the gateway's defaults for
 * everything else (batching, threads, layout), once with one CPU replica and once, as a second
 * model on the same gateway, with two replicas sharing one queue. The two-replica model gets
 * half the cores per replica, so both models use the same number of LibTorch threads in all and
 * the comparison is about replicas, not about more threads.
 */
final class ServingConfig {

  static final String TWO_REPLICAS_SUFFIX = "-x2";

  private ServingConfig() {}

  static Path write(Path dir, Path pluginsDir, String family, String variant, Path weights,
      int cores) throws IOException {
    String entry = """
          - name: %s
            family: %s
            variant: %s
            weights: %s
            devices: [cpu]
            instances: %d
            intra_op_threads: %d
        """;
    String weightsName = dir.relativize(weights).toString();
    String yaml = "# written by the serving benchmark\n"
        + "plugins: " + pluginsDir.toAbsolutePath() + "\n"
        + "model_repository: " + dir.toAbsolutePath() + "\n"
        + "models:\n"
        // 0: the gateway's default, all cores for the one replica
        + entry.formatted(variant, family, variant, weightsName, 1, 0)
        + entry.formatted(variant + TWO_REPLICAS_SUFFIX, family, variant, weightsName, 2,
            Math.max(1, cores / 2));
    Path file = dir.resolve("serving.yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
