package io.inferencegw.benchmarks;

import io.inferencegw.gateway.worker.CpuInfo;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The CPU a run was measured on: model name, cores this JVM may use, and the vector-instruction
 * flags that decide which LibTorch kernels run (AVX2, AVX-512, VNNI, AMX), so that figures from
 * two machines can be told apart.
 */
record CpuDescription(String model, int cores, List<String> vectorFlags) {

  private static final List<String> VECTOR_PREFIXES =
      List.of("sse4", "avx", "fma", "f16c", "amx", "vnni");

  static CpuDescription ofThisMachine() {
    CpuInfo cpuinfo = CpuInfo.ofThisMachine();
    String model = cpuinfo.field("model name").orElse(System.getProperty("os.arch"));
    List<String> flags = Arrays.stream(cpuinfo.flags().split("\\s+"))
        .filter(flag -> VECTOR_PREFIXES.stream().anyMatch(flag::startsWith))
        .sorted()
        .toList();
    return new CpuDescription(model, Runtime.getRuntime().availableProcessors(), flags);
  }

  String describe() {
    return model + ", " + cores + " cores; vector flags: "
        + vectorFlags.stream().collect(Collectors.joining(" "));
  }
}
