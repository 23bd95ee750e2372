package io.inferencegw.plugin.api.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;

/**
 * Windows onto the memory of a contiguous CPU tensor as direct {@link ByteBuffer}s.
 *
 * <p>Copies go through {@code ByteBuffer.put}, not a native memcpy: the JDK turns a fault while
 * reading a memory-mapped file (the file was truncated underneath us) into a Java error instead
 * of a crash of the whole gateway. A direct buffer is limited to 2 GiB, hence the windows.
 */
final class TensorBytes {

  /** Bytes per window; below the 2 GiB limit of a single buffer. */
  static final int WINDOW = 1 << 30;

  private TensorBytes() {}

  /**
   * Bytes {@code [offset, offset + length)} of the tensor's storage, little-endian. The tensor
   * must be contiguous, on the CPU, and outlive the returned buffer.
   */
  static ByteBuffer window(Tensor contiguousCpuTensor, long offset, int length) {
    BytePointer base = new BytePointer(contiguousCpuTensor.data_ptr());
    return base.getPointer(offset).limit(length).asBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Fails on big-endian hosts, where the file's little-endian bytes would be misread. */
  static void requireLittleEndianHost() {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new UnsupportedOperationException(
          "safetensors data is little-endian; this host is " + ByteOrder.nativeOrder());
    }
  }
}
