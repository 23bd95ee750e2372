package io.inferencegw.gateway.preprocess;

import static io.inferencegw.gateway.preprocess.ImageDecoderTest.assertInvalid;
import static io.inferencegw.gateway.preprocess.TensorTestSupport.floatTensor;
import static io.inferencegw.gateway.preprocess.TensorTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class TensorInputTest {

  private static final long[] CHW = {3, 4, 5};

  private static float[] randomValues(int n, long seed) {
    Random random = new Random(seed);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  private static ByteBuffer littleEndian(float[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return bytes; // position 0, limit = all bytes, like ByteString.asReadOnlyByteBuffer()
  }

  @Test
  void copiesChwValuesIntoItsBatchSlotOnly() {
    float[] data = randomValues(60, 1);
    try (PointerScope scope = new PointerScope()) {
      Tensor batch = floatTensor(2, 3, 4, 5);
      batch.fill_(new Scalar(7f));
      ByteBuffer buffer = littleEndian(data).asReadOnlyBuffer();

      TensorInput.copyInto(List.of(3L, 4L, 5L), buffer, batch.select(0, 1));

      assertArrayEquals(data, values(batch.select(0, 1)));
      for (float f : values(batch.select(0, 0))) {
        assertEquals(7f, f);
      }
      assertEquals(0, buffer.position(), "the request buffer is not consumed");
    }
  }

  @Test
  void acceptsABatchOfOne() {
    float[] data = randomValues(60, 2);
    try (PointerScope scope = new PointerScope()) {
      Tensor out = floatTensor(CHW);
      TensorInput.copyInto(List.of(1L, 3L, 4L, 5L), littleEndian(data), out);
      assertArrayEquals(data, values(out));
    }
  }

  @Test
  void copiesIntoANonContiguousDestination() {
    float[] data = randomValues(60, 3);
    try (PointerScope scope = new PointerScope()) {
      Tensor transposed = floatTensor(5, 4, 3).permute(2, 1, 0); // shape [3, 4, 5], strided
      TensorInput.copyInto(List.of(3L, 4L, 5L), littleEndian(data), transposed);
      assertArrayEquals(data, values(transposed));
    }
  }

  @Test
  void rejectsAShapeThatIsNotTheModelInput() {
    String expected = " does not match the model input [3, 4, 5] (or [1, 3, 4, 5])";
    assertInvalid("tensor shape [3, 5, 4]" + expected,
        () -> TensorInput.validate(List.of(3L, 5L, 4L), 240, CHW));
    assertInvalid("tensor shape [2, 3, 4, 5]" + expected,
        () -> TensorInput.validate(List.of(2L, 3L, 4L, 5L), 480, CHW));
    assertInvalid("tensor shape [60]" + expected,
        () -> TensorInput.validate(List.of(60L), 240, CHW));
    assertInvalid("tensor shape []" + expected,
        () -> TensorInput.validate(List.of(), 240, CHW));
    assertInvalid("tensor shape with 9 dimensions" + expected,
        () -> TensorInput.validate(List.of(1L, 1L, 1L, 1L, 1L, 1L, 3L, 4L, 5L), 240, CHW));
  }

  @Test
  void rejectsDataOfTheWrongLength() {
    assertInvalid("tensor data is 239 bytes, expected 240 (float32 little-endian, shape "
        + "[3, 4, 5])", () -> TensorInput.validate(List.of(3L, 4L, 5L), 239, CHW));
    try (PointerScope scope = new PointerScope()) {
      Tensor out = floatTensor(CHW);
      assertInvalid("tensor data is 0 bytes, expected 240 (float32 little-endian, shape "
          + "[1, 3, 4, 5])", () -> TensorInput.copyInto(
              List.of(1L, 3L, 4L, 5L), ByteBuffer.allocate(0), out));
    }
  }

  @Test
  void rejectsNanAndInfinityAndLeavesZerosBehind() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      float[] data = randomValues(60, 4);
      data[37] = bad;
      try (PointerScope scope = new PointerScope()) {
        Tensor out = floatTensor(CHW);
        assertInvalid("tensor contains NaN or infinite values",
            () -> TensorInput.copyInto(List.of(3L, 4L, 5L), littleEndian(data), out));
        assertArrayEquals(new float[60], values(out), "destination cleared after " + bad);
      }
    }
  }
}
