package io.inferencegw.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
    } catch (IOException e) {
      lines = List.of();
    }
    String model = field(lines, "model name").orElse(System.getProperty("os.arch"));
    List<String> flags = field(lines, "flags")
        .map(f -> Arrays.stream(f.split("\\s+"))
            .filter(flag -> VECTOR_PREFIXES.stream().anyMatch(flag::startsWith))
            .sorted()
            .toList())
        .orElse(List.of());
    return new CpuDescription(model, Runtime.getRuntime().availableProcessors(), flags);
  }

  private static Optional<String> field(List<String> cpuinfo, String name) {
    return cpuinfo.stream()
        .filter(l -> l.startsWith(name))
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst();
  }

  String describe() {
    return model + ", " + cores + " cores; vector flags: "
        + vectorFlags.stream().collect(Collectors.joining(" "));
  }
}
