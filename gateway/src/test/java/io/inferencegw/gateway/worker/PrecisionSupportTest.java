package io.inferencegw.gateway.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.config.Precision;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which precisions a device is allowed, from CPU flags as /proc/cpuinfo lists them. */
class PrecisionSupportTest {

  /** An AVX2-only server CPU (Zen 2 class). */
  private static final String AVX2 =
      "fpu vme sse sse2 ssse3 fma cx16 sse4_1 sse4_2 avx f16c avx2 bmi2";
  /** Cooper Lake / Zen 4: AVX-512 with bf16 dot products, no fp16 arithmetic. */
  private static final String AVX512_BF16 = AVX2 + " avx512f avx512bw avx512_vnni avx512_bf16";
  /** Sapphire Rapids: AMX tiles for bf16 and fp16 as well. */
  private static final String SAPPHIRE_RAPIDS =
      AVX512_BF16 + " avx512_fp16 amx_bf16 amx_tile amx_int8";

  @Test
  void fp32RunsEverywhere() {
    assertTrue(PrecisionSupport.ofCpuFlags("").cpuRuns(Precision.FP32));
    assertTrue(PrecisionSupport.ofCpuFlags(AVX2).refusal("m", Precision.FP32, "cpu").isEmpty());
  }

  @Test
  void bf16NeedsAvx512Bf16OrAmxBf16() {
    assertFalse(PrecisionSupport.ofCpuFlags(AVX2).cpuRuns(Precision.BF16));
    assertFalse(PrecisionSupport.ofCpuFlags(AVX2 + " avx512f avx512bw").cpuRuns(Precision.BF16));
    assertTrue(PrecisionSupport.ofCpuFlags(AVX512_BF16).cpuRuns(Precision.BF16));
    assertTrue(PrecisionSupport.ofCpuFlags(AVX2 + " amx_bf16").cpuRuns(Precision.BF16));
  }

  @Test
  void fp16NeedsAvx512Fp16OrAmxFp16() {
    assertFalse(PrecisionSupport.ofCpuFlags(AVX2).cpuRuns(Precision.FP16));
    // f16c only converts between fp16 and fp32; it computes nothing in fp16
    assertFalse(PrecisionSupport.ofCpuFlags(AVX512_BF16).cpuRuns(Precision.FP16));
    assertTrue(PrecisionSupport.ofCpuFlags(SAPPHIRE_RAPIDS).cpuRuns(Precision.FP16));
    assertTrue(PrecisionSupport.ofCpuFlags(AVX2 + " amx_fp16").cpuRuns(Precision.FP16));
  }

  @Test
  void aFlagIsMatchedWholeNotAsAPrefix() {
    assertFalse(PrecisionSupport.ofCpuFlags(AVX2 + " avx512_bf16x").cpuRuns(Precision.BF16));
  }

  @Test
  void theRefusalNamesModelPrecisionDeviceAndMissingFeatureAndSuggestsFp32() {
    Optional<String> refusal =
        PrecisionSupport.ofCpuFlags(AVX2).refusal("resnet50-fast", Precision.BF16, "cpu");
    String message = refusal.orElseThrow();
    assertTrue(message.contains("model resnet50-fast"), message);
    assertTrue(message.contains("precision bf16"), message);
    assertTrue(message.contains("device cpu"), message);
    assertTrue(message.contains("avx512_bf16 or amx_bf16"), message);
    assertTrue(message.contains("its flags show avx avx2"), message);
    assertTrue(message.contains("use precision fp32"), message);

    String fp16 = PrecisionSupport.ofCpuFlags(AVX512_BF16)
        .refusal("m", Precision.FP16, "cpu").orElseThrow();
    assertTrue(fp16.contains("avx512_fp16 or amx_fp16"), fp16);
    assertTrue(fp16.contains("fp16 on a cuda device"), fp16);
  }

  @Test
  void cudaDevicesAreNotRefusedEitherReducedPrecision() {
    PrecisionSupport avx2 = PrecisionSupport.ofCpuFlags(AVX2);
    assertTrue(avx2.refusal("m", Precision.BF16, "cuda:0").isEmpty());
    assertTrue(avx2.refusal("m", Precision.FP16, "cuda:1").isEmpty());
  }

  @Test
  void flagsAreReadFromTheFirstFlagsLineOfCpuinfo() {
    String cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: " + AVX512_BF16
        + "\nbugs\t\t: spectre_v1\n\nprocessor\t: 1\nflags\t\t: " + AVX2 + "\n";
    PrecisionSupport support = PrecisionSupport.ofCpuInfo(cpuinfo);
    assertTrue(support.cpuRuns(Precision.BF16));
    assertEquals("avx avx2 avx512_bf16 avx512_vnni avx512bw avx512f", support.relevantCpuFlags());
    assertFalse(PrecisionSupport.ofCpuInfo("no flags here").cpuRuns(Precision.BF16));
    assertEquals("(no AVX or AMX flags)", PrecisionSupport.ofCpuInfo("").relevantCpuFlags());
  }
}
