package io.inferencegw.gateway.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The process's resident set size, {@code process_resident_memory_bytes} as other Prometheus
 * clients name it. The JVM's own memory metrics miss LibTorch's native allocations; RSS counts
 * them. Read from {@code /proc/self/status} (Linux); elsewhere the gauge is NaN.
 */
final class ProcessResidentMemory implements MeterBinder {

  private static final Path STATUS = Path.of("/proc/self/status");

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("process.resident.memory", ProcessResidentMemory::residentBytes)
        .description("Resident set size of the process (heap, native and mapped memory)")
        .baseUnit("bytes")
        .register(registry);
  }

  /** VmRSS, which the kernel gives in kB. */
  static double residentBytes() {
    try {
      List<String> lines = Files.readAllLines(STATUS);
      for (String line : lines) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or an unexpected format: no value rather than a wrong one
    }
    return Double.NaN;
  }
}
