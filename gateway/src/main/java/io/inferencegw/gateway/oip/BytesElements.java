package io.inferencegw.gateway.oip;

import io.inferencegw.gateway.core.GatewayException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw form of a BYTES tensor (in {@code raw_input_contents} and in the binary section of a
 * REST body): each element is a 4-byte little-endian unsigned length followed by that many
 * bytes. Lengths come from the client and are checked against the bytes that are really there.
 */
final class BytesElements {

  private BytesElements() {}

  /**
   * @param maxElements the most elements expected; more is an error (the list stays bounded)
   * @throws GatewayException INVALID_ARGUMENT naming the input, the element and the problem
   */
  static List<byte[]> decode(String input, ByteBuffer data, int maxElements) {
    ByteBuffer in = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> out = new ArrayList<>();
    while (in.hasRemaining()) {
      int index = out.size();
      if (index >= maxElements) {
        throw GatewayException.invalid("input '" + input + "': BYTES data holds more than the "
            + maxElements + " elements its shape says");
      }
      if (in.remaining() < Integer.BYTES) {
        throw GatewayException.invalid("input '" + input + "' element " + index + ": "
            + in.remaining() + " bytes left, too few for the 4-byte length");
      }
      long length = Integer.toUnsignedLong(in.getInt());
      if (length > in.remaining()) {
        throw GatewayException.invalid("input '" + input + "' element " + index + ": length "
            + length + " runs past the end of the data (" + in.remaining() + " bytes left)");
      }
      byte[] element = new byte[(int) length];
      in.get(element);
      out.add(element);
    }
    return out;
  }

  static byte[] encode(List<byte[]> elements) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer length = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (byte[] e : elements) {
      out.writeBytes(length.putInt(0, e.length).array());
      out.writeBytes(e);
    }
    return out.toByteArray();
  }
}
