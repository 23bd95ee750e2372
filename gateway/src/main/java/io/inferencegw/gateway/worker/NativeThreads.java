package io.inferencegw.gateway.worker;

import java.util.Map;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native thread pools, set once per process before the first forward pass.
 *
 * <p>LibTorch runs its own intra-op threads (OpenMP); OpenBLAS, which it calls for matrix
 * products (linear layers, some convolutions), has a second pool. With OpenMP's default
 * spin-waiting the two pools fight over the cores (measured: a SqueezeNet batch-1 pass went
 * from 13 ms to 80-300 ms), so OpenBLAS runs single-threaded by default. That is best for
 * convolutional networks, but leaves GEMM-bound transformers (ViT, Swin) on one core for their
 * matrix products: they run about 1.7 times faster with {@code OMP_WAIT_POLICY=PASSIVE
 * OPENBLAS_NUM_THREADS=<cores>} in the environment (README, "CPU threads"), which costs
 * convolutional networks at batch 1. Both pools are process-wide, so the operator chooses per
 * process: an {@code OPENBLAS_NUM_THREADS} in the environment is kept.
 */
final class NativeThreads {

  private static final Logger LOG = LoggerFactory.getLogger(NativeThreads.class);
  static final String BLAS_THREADS_ENV = "OPENBLAS_NUM_THREADS";

  private static volatile boolean configured;

  private NativeThreads() {}

  static void configure() {
    if (configured) {
      return;
    }
    synchronized (NativeThreads.class) {
      if (!configured) {
        Map<String, String> env = System.getenv();
        int blas = blasThreads(env);
        openblas_nolapack.blas_set_num_threads(blas);
        LOG.info("OpenBLAS threads: {} ({}), OMP_WAIT_POLICY: {}", blas,
            env.containsKey(BLAS_THREADS_ENV) ? BLAS_THREADS_ENV : "default",
            env.getOrDefault("OMP_WAIT_POLICY", "unset"));
        configured = true;
      }
    }
  }

  /** The operator's {@code OPENBLAS_NUM_THREADS} if it is a positive number, else 1. */
  static int blasThreads(Map<String, String> env) {
    String value = env.get(BLAS_THREADS_ENV);
    if (value == null) {
      return 1;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    LOG.warn("{}={} is not a positive number; OpenBLAS runs single-threaded", BLAS_THREADS_ENV,
        value);
    return 1;
  }
}
