package io.inferencegw.gateway.worker;

import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Native thread pools, set once per process before the first forward pass. LibTorch runs its
 * own intra-op threads; OpenBLAS, which some of its CPU kernels call, would start another pool
 * of the same size, and the two oversubscribe the cores (measured: a SqueezeNet batch-1 pass
 * went from 13 ms to 80-300 ms). OpenBLAS therefore runs single-threaded inside LibTorch's
 * threads.
 */
final class NativeThreads {

  private static volatile boolean configured;

  private NativeThreads() {}

  static void configure() {
    if (configured) {
      return;
    }
    synchronized (NativeThreads.class) {
      if (!configured) {
        openblas_nolapack.blas_set_num_threads(1);
        configured = true;
      }
    }
  }
}
