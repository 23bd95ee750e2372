package io.inferencegw.gateway.worker;

import io.inferencegw.gateway.config.Precision;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which precisions a device can run, decided before a replica is built so that a model asking
 * for one its device lacks is refused at load, with a message that says what is missing.
 *
 * <p>CPU: bf16 needs the instructions that compute in it ({@code avx512_bf16} or
 * {@code amx_bf16}, from the CPU's flags in {@code /proc/cpuinfo}); without them LibTorch still
 * runs bf16, emulated, several times slower than fp32, so it is refused rather than served as a
 * slowdown. fp16 on a CPU is refused unless it has {@code avx512_fp16} or {@code amx_fp16}
 * (Sapphire Rapids and later): elsewhere LibTorch's fp16 CPU kernels are emulated too.
 *
 * <p>CUDA: fp16 and bf16 are both accepted. bf16 runs at full speed from compute capability 8.0
 * (Ampere) on; the capability cannot be asked through the LibTorch presets without the CUDA
 * presets, which the gateway does not ship, so an older GPU is not refused here: its bf16
 * kernels either fail during warm-up, which refuses the load, or run slower than fp16.
 */
public final class PrecisionSupport {

  private final Set<String> cpuFlags;

  private PrecisionSupport(Set<String> cpuFlags) {
    this.cpuFlags = cpuFlags;
  }

  /**
   * Support on this machine, from the flags of its /proc/cpuinfo (none where there is no such
   * file: no CPU feature can be shown, so reduced precision is refused).
   */
  public static PrecisionSupport ofThisMachine() {
    return ofCpuFlags(CpuInfo.ofThisMachine().flags());
  }

  /** Support for a CPU whose /proc/cpuinfo reads {@code cpuinfo}. */
  public static PrecisionSupport ofCpuInfo(String cpuinfo) {
    return ofCpuFlags(new CpuInfo(cpuinfo).flags());
  }

  /** Support for a CPU with these flags, separated by white space as in /proc/cpuinfo. */
  public static PrecisionSupport ofCpuFlags(String flags) {
    return new PrecisionSupport(Arrays.stream(flags.trim().split("\\s+"))
        .filter(f -> !f.isEmpty())
        .collect(Collectors.toUnmodifiableSet()));
  }

  /** The CPU flags that bear on reduced precision, for benchmark and log lines. */
  public String relevantCpuFlags() {
    String shown = cpuFlags.stream()
        .filter(f -> f.startsWith("avx") || f.startsWith("amx"))
        .sorted()
        .collect(Collectors.joining(" "));
    return shown.isEmpty() ? "(no AVX or AMX flags)" : shown;
  }

  /** Whether the CPU computes in {@code precision} natively. */
  public boolean cpuRuns(Precision precision) {
    return switch (precision) {
      case FP32 -> true;
      case BF16 -> cpuFlags.contains("avx512_bf16") || cpuFlags.contains("amx_bf16");
      case FP16 -> cpuFlags.contains("avx512_fp16") || cpuFlags.contains("amx_fp16");
    };
  }

  /**
   * Why {@code model} cannot run in {@code precision} on {@code device}, or empty when it can.
   * The message names the model, the precision, the device and what is missing, and suggests
   * fp32.
   */
  public Optional<String> refusal(String model, Precision precision, String device) {
    if (!device.equals("cpu") || cpuRuns(precision)) {
      return Optional.empty();
    }
    String missing = precision == Precision.BF16
        ? "avx512_bf16 or amx_bf16" : "avx512_fp16 or amx_fp16";
    return Optional.of("model " + model + ": precision " + precision + " is not supported on "
        + "device " + device + ": the CPU lacks " + missing + " (its flags show "
        + relevantCpuFlags() + "); use precision fp32 on this device"
        + (precision == Precision.FP16 ? ", or fp16 on a cuda device" : ""));
  }
}
