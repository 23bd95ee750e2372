package io.inferencegw.gateway.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Prints the CPU model, core count and instruction-set flags, for benchmarks to state. */
final class CpuInfo {

  private CpuInfo() {}

  static void print() {
    System.out.println("cpu: " + field("model name").orElse("unknown") + ", "
        + Runtime.getRuntime().availableProcessors() + " cores available");
    System.out.println("cpu flags: " + field("flags").orElse("unknown"));
  }

  private static Optional<String> field(String name) {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      return lines.stream()
          .filter(l -> l.startsWith(name))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
