package io.inferencegw.gateway.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code /proc/cpuinfo} says about this machine's CPU: its model name and its
 * instruction-set flags. Read in one place for the precision check at load and for the
 * benchmarks, which print the CPU they ran on.
 *
 * @param text the file's contents; empty where there is no such file (not Linux, no /proc)
 */
public record CpuInfo(String text) {

  private static final Path CPUINFO = Path.of("/proc/cpuinfo");

  /** This machine's; read once, the CPU does not change while the process runs. */
  public static CpuInfo ofThisMachine() {
    return ThisMachine.INFO;
  }

  private static final class ThisMachine {
    static final CpuInfo INFO = read();

    private static CpuInfo read() {
      try {
        return new CpuInfo(Files.readString(CPUINFO));
      } catch (IOException | RuntimeException e) {
        return new CpuInfo("");
      }
    }
  }

  /** The value of the first line that starts with {@code name} (e.g. "model name", "flags"). */
  public Optional<String> field(String name) {
    return text.lines()
        .filter(l -> l.startsWith(name))
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst();
  }

  /** The CPU's flags, separated by spaces, or empty. */
  public String flags() {
    return field("flags").orElse("");
  }

  /** Prints the CPU model, core count and flags, as the benchmark commands state them. */
  public void print() {
    System.out.println("cpu: " + field("model name").orElse("unknown") + ", "
        + Runtime.getRuntime().availableProcessors() + " cores available");
    System.out.println("cpu flags: " + field("flags").orElse("unknown"));
  }
}
