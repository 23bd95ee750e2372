package io.inferencegw.gateway.oip;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * One output tensor of an answer: FP32 {@code values} or BYTES {@code elements}, exactly one of
 * them non-null, in row-major order.
 */
record OutputTensor(String name, String datatype, long[] shape, float[] values,
    List<byte[]> elements) {

  /** The raw form: little-endian floats, or length-prefixed BYTES elements. */
  byte[] rawBytes() {
    if (elements != null) {
      return BytesElements.encode(elements);
    }
    ByteBuffer out = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    out.asFloatBuffer().put(values);
    return out.array();
  }
}
