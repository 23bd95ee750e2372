package io.inferencegw.gateway.preprocess;

import io.inferencegw.gateway.core.GatewayException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * A request's already-preprocessed input: float32 little-endian values in CHW order, which go
 * to the network unchanged.
 *
 * <p>Checked at admission, so that a bad request is turned away before it can share a batch
 * with others: {@link #validate} (shape and length) and {@link #requireFinite} (values) need no
 * LibTorch and are cheap enough for the event loop. {@link #copyInto} runs on the worker, copies
 * the values into the batch slot and checks them again, so that it is safe on its own.
 *
 * <p>Accepted shapes: exactly [C, H, W] of the model input, or [1, C, H, W] (a batch of one, as
 * clients exporting from PyTorch often send). Anything else, including a batch of several, is
 * INVALID_ARGUMENT: one request is one sample.
 *
 * <p>NaN and infinity are rejected (INVALID_ARGUMENT) rather than passed through: they can only
 * produce NaN scores, and a NaN makes top-k ordering meaningless, so the client is better served
 * by an error that says what is wrong with its input. The check is one vectorised LibTorch pass
 * over an input that was just copied, which is small next to the forward pass.
 */
public final class TensorInput {

  private TensorInput() {}

  /**
   * Checks a request tensor's shape and byte length against the model input [C, H, W].
   *
   * @param shape the request's {@code shape} field
   * @param byteLength length of the request's {@code data} field
   * @param expected the model input [C, H, W]
   * @throws GatewayException INVALID_ARGUMENT naming the expected and the received shape or
   *     byte length
   */
  public static void validate(List<Long> shape, long byteLength, long[] expected) {
    long[] received = shape.stream().mapToLong(Long::longValue).toArray();
    long[] chw = received.length == expected.length + 1 && received[0] == 1
        ? Arrays.copyOfRange(received, 1, received.length)
        : received;
    if (!Arrays.equals(chw, expected)) {
      throw GatewayException.invalid("tensor shape " + describe(received)
          + " does not match the model input " + Arrays.toString(expected)
          + " (or " + Arrays.toString(withBatchOfOne(expected)) + ")");
    }
    long expectedBytes = Float.BYTES * numel(expected);
    if (byteLength != expectedBytes) {
      throw GatewayException.invalid("tensor data is " + byteLength + " bytes, expected "
          + expectedBytes + " (float32 little-endian, shape " + Arrays.toString(received) + ")");
    }
  }

  /**
   * Rejects a tensor holding NaN or infinite values; {@code data} is float32 little-endian, read
   * from its position to its limit, which are left unchanged. One pass over plain Java floats
   * (about 0.1 ms for a 3x224x224 input): cheap enough for the event loop at admission.
   *
   * @throws GatewayException INVALID_ARGUMENT naming the first offending element
   */
  public static void requireFinite(ByteBuffer data) {
    FloatBuffer values = data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    for (int i = 0; i < values.limit(); i++) {
      if (!Float.isFinite(values.get(i))) {
        throw GatewayException.invalid("tensor contains NaN or infinite values (first at element "
            + i + ")");
      }
    }
  }

  /**
   * Validates a request tensor and copies it into {@code destination}.
   *
   * @param shape the request's {@code shape} field
   * @param data the request's {@code data} field, e.g. {@code ByteString.asReadOnlyByteBuffer()};
   *     read from its position to its limit, which are left unchanged
   * @param destination float32 tensor [C, H, W], typically {@code batch.select(0, i)}; on a
   *     rejected request its content is zero
   * @throws GatewayException INVALID_ARGUMENT as {@link #validate}, or when a value is NaN or
   *     infinite
   */
  public static void copyInto(List<Long> shape, ByteBuffer data, Tensor destination) {
    if (!TensorChecks.isFloat32(destination)) {
      throw new IllegalArgumentException("destination must be float32, got "
          + destination.scalar_type().intern());
    }
    long[] expected = TensorChecks.sizes(destination);
    validate(shape, data.remaining(), expected);
    try (PointerScope scope = new PointerScope()) {
      copy(data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer(), expected, destination);
      if (!destination.isfinite().all().item_bool()) {
        destination.zero_();
        throw GatewayException.invalid("tensor contains NaN or infinite values");
      }
    }
  }

  /**
   * Copies values that were already checked (an input stage's preprocessed image) into
   * {@code destination}, a float32 tensor with exactly {@code values.length} elements.
   */
  public static void copyValuesInto(float[] values, Tensor destination) {
    long[] shape = TensorChecks.sizes(destination);
    if (!TensorChecks.isFloat32(destination) || numel(shape) != values.length) {
      throw new IllegalArgumentException("destination must be float32 with " + values.length
          + " elements, got " + destination.scalar_type().intern() + " " + Arrays.toString(shape));
    }
    try (PointerScope scope = new PointerScope()) {
      copy(FloatBuffer.wrap(values), shape, destination);
    }
  }

  /** Inside a scope: copies {@code source} (all remaining values) into a float32 tensor. */
  private static void copy(FloatBuffer source, long[] shape, Tensor destination) {
    long numel = numel(shape);
    if (destination.is_cpu() && destination.is_contiguous()) {
      // Straight into the batch slot: one bulk copy (byte-swapped only on big-endian hosts).
      new FloatPointer(destination.data_ptr()).capacity(numel).asBuffer().put(source);
    } else {
      FloatPointer staging = new FloatPointer(numel);
      staging.asBuffer().put(source);
      destination.copy_(torch.from_blob(
          staging, shape, new TensorOptions(torch.ScalarType.Float)));
    }
  }

  /** The shape as the client wrote it, unless it is absurdly long (the message goes back). */
  private static String describe(long[] shape) {
    return shape.length <= 8 ? Arrays.toString(shape) : "with " + shape.length + " dimensions";
  }

  private static long numel(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  private static long[] withBatchOfOne(long[] chw) {
    long[] nchw = new long[chw.length + 1];
    nchw[0] = 1;
    System.arraycopy(chw, 0, nchw, 1, chw.length);
    return nchw;
  }
}
