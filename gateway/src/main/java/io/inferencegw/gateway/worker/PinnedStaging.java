package io.inferencegw.gateway.worker;

import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The page-locked host buffer a CUDA replica fills with each batch before its one asynchronous
 * copy to the device. Pinning memory is a system call that maps pages and costs more than the
 * copy itself, so the buffer is allocated once, grown when a larger batch comes, and reused.
 *
 * <p>Reuse is safe because a batch ends by copying its results back to the host, which waits for
 * the device's stream: the previous batch's copy out of this buffer has finished by the time the
 * next batch writes into it. Used on the replica's thread only.
 */
final class PinnedStaging implements AutoCloseable {

  private final long[] imageShape;
  private final UnaryOperator<Tensor> pin;
  private Tensor buffer;
  private int rows;

  /** A buffer for images of [C, H, W], in page-locked memory. */
  PinnedStaging(long channels, long height, long width) {
    this(channels, height, width, Tensor::pin_memory);
  }

  /** @param pin turns a new host tensor into the buffer (tests use host memory as it is) */
  PinnedStaging(long channels, long height, long width, UnaryOperator<Tensor> pin) {
    this.imageShape = new long[] {channels, height, width};
    this.pin = pin;
  }

  /** The first {@code n} rows of the buffer as an [n, C, H, W] tensor (a view, not a copy). */
  Tensor rows(int n) {
    if (n > rows) {
      grow(n);
    }
    return buffer.narrow(0, 0, n);
  }

  private void grow(int n) {
    int newRows = Integer.highestOneBit(Math.max(1, n - 1)) << 1; // next power of two >= n
    try (PointerScope scope = new PointerScope()) {
      Tensor pinned = pin.apply(
          torch.empty(newRows, imageShape[0], imageShape[1], imageShape[2]));
      // one reference more than the scope releases: it outlives the scope, and close() (or
      // the next grow) frees it
      pinned.retainReference();
      close();
      buffer = pinned;
      rows = newRows;
    }
  }

  int capacity() {
    return rows;
  }

  @Override
  public void close() {
    if (buffer != null) {
      buffer.close();
      buffer = null;
      rows = 0;
    }
  }
}
