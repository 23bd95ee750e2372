package io.inferencegw.gateway.preprocess;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Reads a destination tensor's shape and type without allocating native memory. */
final class TensorChecks {

  private TensorChecks() {}

  /**
   * The sizes of {@code tensor} as a Java array. {@code sizes().vec()} would allocate a native
   * vector in whatever scope the caller has open; {@code dim()} and {@code size(i)} do not.
   */
  static long[] sizes(Tensor tensor) {
    long[] sizes = new long[(int) tensor.dim()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = tensor.size(i);
    }
    return sizes;
  }

  /**
   * Whether {@code tensor} holds float32. JavaCPP returns native enums as fresh Java objects,
   * so {@code scalar_type() == Float} is always false: compare after {@code intern()}.
   */
  static boolean isFloat32(Tensor tensor) {
    return tensor.scalar_type().intern() == torch.ScalarType.Float;
  }
}
