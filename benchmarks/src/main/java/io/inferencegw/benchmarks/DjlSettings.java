package io.inferencegw.benchmarks;

import java.util.List;
import java.util.Map;

/**
 * How the DJL process is started: LibTorch from the {@code pytorch-native-cpu} jar on the class
 * path and never a download (offline, and the version of that jar named), and the same thread
 * budget our forward gets: all cores for intra-op work, one inter-op thread (a single caller has
 * nothing to run beside its own pass).
 */
final class DjlSettings {

  static final String PYTORCH_VERSION = "2.7.1";

  private DjlSettings() {}

  static List<String> jvmOptions(int threads) {
    return List.of(
        "-Dai.djl.offline=true",
        "-DPYTORCH_VERSION=" + PYTORCH_VERSION,
        "-Dai.djl.pytorch.num_threads=" + threads,
        "-Dai.djl.pytorch.num_interop_threads=1");
  }

  static Map<String, String> environment() {
    return Map.of("PYTORCH_VERSION", PYTORCH_VERSION, "DJL_OFFLINE", "true");
  }
}
