package io.inferencegw.gateway.cli;

import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.Precision;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.gateway.worker.PrecisionSupport;
import io.inferencegw.gateway.worker.ProbeAgreement;
import io.inferencegw.gateway.worker.ProbeImages;
import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.MemoryLayout;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.ReducedPrecision;
import io.inferencegw.plugin.api.VariantSpec;
import io.vertx.core.Vertx;
import io.inferencegw.plugin.api.weights.WeightLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gateway bench-precision}: forward-pass throughput of one catalog variant in fp32 and in
 * a reduced precision, side by side in one run, as a CPU replica computes them (channels-last,
 * weights converted, float32 logits). Prints the CPU's AVX/AMX flags and whether the gateway
 * would accept the precision on this CPU; where it would refuse it, the reduced precision still
 * runs, emulated, and is labelled so: that figure shows what the refusal spares, not what
 * serving would give.
 */
@Command(name = "bench-precision", mixinStandardHelpOptions = true,
    description = "Throughput of a variant in fp32 vs bf16 (or fp16) on this CPU, side by side.")
final class PrecisionBenchmark implements Callable<Integer> {

  @Option(names = "--family", defaultValue = "resnet")
  String family;

  @Option(names = "--variant", defaultValue = "resnet50")
  String variant;

  @Option(names = "--precision", defaultValue = "bf16", description = "bf16 or fp16")
  String precision;

  @Option(names = "--weights",
      description = "safetensors file to load (default: the family's random initialisation)")
  Path weights;

  @Option(names = "--batch", defaultValue = "8")
  int batch;

  @Option(names = "--rounds", defaultValue = "3",
      description = "timed batches per precision, alternating between the two")
  int rounds;

  @Option(names = "--threads", defaultValue = "0",
      description = "LibTorch threads (default: all cores, as one CPU replica gets)")
  int threads;

  @Override
  public Integer call() throws Exception {
    Precision reduced = Precision.parse(precision);
    if (!reduced.reduced()) {
      System.err.println("bench-precision: --precision must be bf16 or fp16");
      return 2;
    }
    PrecisionSupport support = PrecisionSupport.ofThisMachine();
    System.out.println("CPU flags (AVX/AMX): " + support.relevantCpuFlags());
    String label = reduced.configName();
    var refusal = support.refusal(variant, reduced, "cpu");
    if (refusal.isPresent()) {
      System.out.println("gateway on this CPU: " + refusal.get());
      label += " (emulated: refused when serving)";
    } else {
      System.out.println("gateway on this CPU: " + reduced + " accepted");
    }
    int cores = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    torch.set_num_threads(cores);
    Vertx vertx = Vertx.vertx();
    try {
      Gateway gateway = Gateway.start(vertx, ConfigLoader.loadBundled(
          GatewayMain.defaultPluginsDir()).withPort(0).withModels(List.of())).await();
      try {
        ModelFamily f = gateway.plugins().family(family)
            .orElseThrow(() -> new IllegalArgumentException("no plugin provides family "
                + family + "; known: " + gateway.plugins().familyNames()))
            .family();
        run(f, f.requireVariant(variant), reduced, label, cores);
      } finally {
        gateway.close().await();
      }
    } finally {
      vertx.close().await();
    }
    return 0;
  }

  private void run(ModelFamily f, VariantSpec spec, Precision reduced, String label, int cores) {
    ScalarType dtype = reduced == Precision.BF16 ? ScalarType.BFloat16 : ScalarType.Half;
    // the same seed for both builds: the two copies must hold the same random weights
    try (ClassifierModule fp32 = seeded(() -> f.build(spec.name()));
        ClassifierModule narrow = seeded(() -> f.build(spec.name()));
        InferenceMode guard = new InferenceMode();
        PointerScope scope = new PointerScope()) {
      if (weights != null) {
        WeightLoader.loadStrict(fp32, weights);
        WeightLoader.loadStrict(narrow, weights);
      }
      fp32.eval();
      narrow.eval();
      MemoryLayout.channelsLast(fp32);
      MemoryLayout.channelsLast(narrow);
      ReducedPrecision.convert(narrow, dtype);
      Tensor input = ProbeImages.batch(spec, batch).contiguous(torch.MemoryFormat.ChannelsLast);
      Function<Tensor, Tensor> fp32Forward = fp32::forward;
      Function<Tensor, Tensor> narrowForward = x -> ReducedPrecision.forward(narrow, x, dtype);
      System.out.printf(Locale.ROOT, "%s %s, batch %d, channels-last, %d LibTorch threads, "
          + "%d timed batches each (after one warm-up batch), alternating%n",
          f.name(), spec.name(), batch, cores, rounds);
      time(fp32Forward, input);
      time(narrowForward, input);
      double fp32Seconds = 0;
      double narrowSeconds = 0;
      for (int r = 0; r < rounds; r++) {
        fp32Seconds += time(fp32Forward, input);
        narrowSeconds += time(narrowForward, input);
      }
      double fp32Rate = batch * rounds / fp32Seconds;
      double narrowRate = batch * rounds / narrowSeconds;
      System.out.println("| precision | s per batch | images/s |");
      System.out.println("|---|---:|---:|");
      System.out.printf(Locale.ROOT, "| fp32 | %.3f | %.2f |%n", fp32Seconds / rounds, fp32Rate);
      System.out.printf(Locale.ROOT, "| %s | %.3f | %.2f |%n", label, narrowSeconds / rounds,
          narrowRate);
      System.out.printf(Locale.ROOT, "%s / fp32 throughput: %.2f x%n", reduced,
          narrowRate / fp32Rate);
      // what the warm-up check would measure (the family's own random initialisation here)
      Tensor probe = ProbeImages.batch(spec, 16).contiguous(torch.MemoryFormat.ChannelsLast);
      Tensor reference = fp32.forward(probe);
      Tensor narrowLogits = narrowForward.apply(probe);
      ProbeAgreement agreement = ProbeAgreement.of(reference, narrowLogits);
      Tensor sorted = reference.topk(2).get0();
      System.out.printf(Locale.ROOT, "agreement with fp32 on %d probe images: top-1 %d, "
          + "top-5 %d (max |logit| %.4g, max |difference| %.4g, smallest top-1/top-2 gap %.4g)%n",
          agreement.images(), agreement.sameTop1(), agreement.sameTop5(),
          reference.abs().max().item_double(),
          reference.sub(narrowLogits).abs().max().item_double(),
          sorted.select(1, 0).sub(sorted.select(1, 1)).min().item_double());
    }
  }

  private static ClassifierModule seeded(java.util.function.Supplier<ClassifierModule> build) {
    torch.manual_seed(20240611L);
    return build.get();
  }

  private static double time(Function<Tensor, Tensor> forward, Tensor input) {
    long start = System.nanoTime();
    try (PointerScope scope = new PointerScope()) {
      forward.apply(input).sum().item_double();
    }
    return (System.nanoTime() - start) / 1e9;
  }
}
