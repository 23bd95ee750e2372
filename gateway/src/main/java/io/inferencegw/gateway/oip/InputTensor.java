package io.inferencegw.gateway.oip;

import io.inferencegw.gateway.core.GatewayException;
import java.util.Arrays;
import java.util.List;

/**
 * One input tensor of an inference request, as either transport (gRPC or REST) delivered it,
 * with its data in one of two forms: {@code raw} little-endian row-major bytes for fixed-size
 * types (FP32, UINT8), or {@code elements} for BYTES. Exactly one of the two is non-null.
 *
 * @param shape as the client sent it; checked against the data by {@link ModelSignature}
 */
record InputTensor(String name, String datatype, long[] shape, byte[] raw, List<byte[]> elements) {

  static InputTensor raw(String name, String datatype, long[] shape, byte[] raw) {
    return new InputTensor(name, datatype, shape, raw, null);
  }

  static InputTensor bytes(String name, String datatype, long[] shape, List<byte[]> elements) {
    return new InputTensor(name, datatype, shape, null, elements);
  }

  /**
   * The number of elements a shape says, for transports to check data against before decoding
   * it.
   *
   * @throws GatewayException INVALID_ARGUMENT for a negative dimension or a product past
   *     {@code Integer.MAX_VALUE}
   */
  static int elementCount(String name, long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw GatewayException.invalid("input '" + name + "': shape " + Arrays.toString(shape)
            + " has a negative dimension");
      }
      n *= Math.min(d, 1L << 32); // both factors below 2^33: no overflow
      if (n > Integer.MAX_VALUE) {
        throw GatewayException.invalid("input '" + name + "': shape " + Arrays.toString(shape)
            + " is too large");
      }
    }
    return (int) n;
  }
}
