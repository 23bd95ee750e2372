package io.inferencegw.plugins.lenet.train;

import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugins.lenet.LenetFamily;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Turns images of a {@link FashionMnist} split into normalized NCHW float batches and label
 * tensors. The returned tensors own their memory; callers create them inside a {@code
 * PointerScope} so that they are freed when the batch is done.
 */
public final class Batches {

  private final FashionMnist data;
  private final float[] lut = new float[256];

  public Batches(FashionMnist data) {
    this.data = data;
    for (int v = 0; v < 256; v++) {
      lut[v] = (v / 255f - LenetFamily.FASHION_MNIST_MEAN) / LenetFamily.FASHION_MNIST_STD;
    }
  }

  /** Images {@code order[from..to)} as a {@code [to-from, 1, rows, cols]} float tensor. */
  public Tensor images(int[] order, int from, int to) {
    int n = to - from;
    int pixels = data.pixelsPerImage();
    float[] buf = new float[n * pixels];
    byte[] src = data.pixels();
    for (int i = 0; i < n; i++) {
      int base = order[from + i] * pixels;
      int dst = i * pixels;
      for (int p = 0; p < pixels; p++) {
        buf[dst + p] = lut[src[base + p] & 0xff];
      }
    }
    try (FloatPointer ptr = new FloatPointer(buf)) {
      // from_blob does not own ptr: clone copies into LibTorch-owned memory before ptr is freed
      return torch.from_blob(ptr, n, 1, data.rows(), data.cols()).clone();
    }
  }

  /** Labels {@code order[from..to)} as an int64 tensor of shape {@code [to-from]}. */
  public Tensor labels(int[] order, int from, int to) {
    int n = to - from;
    long[] buf = new long[n];
    for (int i = 0; i < n; i++) {
      buf[i] = data.labels()[order[from + i]];
    }
    try (LongPointer ptr = new LongPointer(buf)) {
      return torch.from_blob(ptr, new long[] {n}, new TensorOptions(ScalarType.Long)).clone();
    }
  }

  /** The identity order 0..count-1. */
  public int[] inOrder() {
    int[] order = new int[data.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    return order;
  }

  public int count() {
    return data.count();
  }
}
