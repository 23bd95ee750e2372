package io.inferencegw.gateway.preprocess;

import org.bytedeco.pytorch.Tensor;

/** Small helpers to read a tensor's shape without allocating native memory. */
final class TensorShapes {

  private TensorShapes() {}

  /**
   * The sizes of {@code tensor} as a Java array. {@code sizes().vec()} would allocate a native
   * vector outside any scope the caller expects; {@code dim()} and {@code size(i)} do not.
   */
  static long[] sizes(Tensor tensor) {
    long[] sizes = new long[(int) tensor.dim()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = tensor.size(i);
    }
    return sizes;
  }
}
