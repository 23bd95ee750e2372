package io.inferencegw.benchmarks;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.MemoryLayout;
import io.inferencegw.plugin.api.weights.WeightLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Our bare forward, in a process of its own: the served variant built by its plugin, the same
 * weights file, and the settings a gateway CPU replica runs with (OpenBLAS single-threaded
 * unless the environment says otherwise, LibTorch on all cores, eval mode, one
 * {@link InferenceMode} guard, channels-last, a {@link PointerScope} per pass), timed on random
 * input at each batch size. No decoding, no queue, no network: the ceiling the served throughput
 * is compared with.
 *
 * <p>Arguments: plugins-dir variant weights threads batches(1,2,..) channels-last(true|false)
 * warmup-passes min-passes min-seconds. Prints one {@link ForwardRate} line per batch size.
 */
public final class LibTorchForward {

  private LibTorchForward() {}

  /** As the gateway: the operator's OPENBLAS_NUM_THREADS if it is a positive number, else 1. */
  private static int blasThreads() {
    try {
      return Math.max(1, Integer.parseInt(System.getenv().getOrDefault("OPENBLAS_NUM_THREADS",
          "1").trim()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  public static void main(String[] args) {
    Path pluginsDir = Path.of(args[0]);
    String variant = args[1];
    Path weights = Path.of(args[2]);
    int threads = Integer.parseInt(args[3]);
    List<Integer> batches = Arrays.stream(args[4].split(",")).map(Integer::parseInt).toList();
    boolean channelsLast = Boolean.parseBoolean(args[5]);
    PassTimer timer = PassTimer.fromArgs(args, 6);

    openblas_nolapack.blas_set_num_threads(blasThreads());
    torch.set_num_threads(threads);
    CatalogVariant found = CatalogVariant.find(pluginsDir, variant);
    try (ClassifierModule network = found.family().buildForLoading(variant)) {
      WeightLoader.loadStrict(network, weights);
      network.eval();
      if (channelsLast) {
        MemoryLayout.channelsLast(network);
      }
      System.out.printf("LibTorch %s, %d intra-op threads, OpenBLAS %d threads, %s layout%n",
          torch.class.getPackage().getImplementationVersion(), torch.get_num_threads(),
          openblas_nolapack.blas_get_num_threads(), channelsLast ? "channels-last" : "contiguous");
      for (int b : batches) {
        try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
          Tensor input = torch.rand(b, found.spec().channels(), found.spec().height(),
              found.spec().width());
          Tensor laidOut = channelsLast ? input.contiguous(torch.MemoryFormat.ChannelsLast) : input;
          ForwardRate rate = timer.measure(b, () -> {
            try (PointerScope pass = new PointerScope()) {
              network.forward(laidOut);
            }
          });
          System.out.println(rate.toLine());
        }
      }
    }
    found.plugin().unload();
  }
}
