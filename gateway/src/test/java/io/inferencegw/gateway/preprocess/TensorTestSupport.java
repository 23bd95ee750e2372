package io.inferencegw.gateway.preprocess;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/** Tensor plumbing for the tests: allocation and reading values back into Java. */
final class TensorTestSupport {

  private TensorTestSupport() {}

  static Tensor floatTensor(long... shape) {
    return torch.zeros(shape, new TensorOptions(torch.ScalarType.Float));
  }

  /** All values of a float tensor, in row-major order of its shape. */
  static float[] values(Tensor tensor) {
    Tensor contiguous = tensor.contiguous();
    float[] values = new float[(int) contiguous.numel()];
    new FloatPointer(contiguous.data_ptr()).capacity(values.length).get(values);
    return values;
  }

  static float[] readFloatsLittleEndian(Path file) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[bytes.remaining() / Float.BYTES];
    bytes.asFloatBuffer().get(values);
    return values;
  }

  static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }
}
