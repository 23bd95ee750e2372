package io.inferencegw.gateway.grpc.ingress;

import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a gRPC request body into its length-prefixed messages. Each 5-byte prefix is checked
 * before any of its payload is kept, so a client cannot make the gateway buffer more than one
 * message of at most the limit, and cannot make it buffer anything for a message it may not send.
 */
final class MessageFrameReader {

  private static final int PREFIX_BYTES = 5;

  /** One message as it came: its payload is still compressed when {@code compressed}. */
  record Frame(boolean compressed, Buffer payload) {}

  private final long maxMessageBytes;
  private final boolean compressionAllowed;
  private final boolean singleMessage;
  private Buffer pending = Buffer.buffer(PREFIX_BYTES);
  /** Payload length of the message being read; -1 while its prefix is being read. */
  private int payloadBytes = -1;
  private boolean compressed;
  private int messages;

  /**
   * @param compressionAllowed whether the call named a grpc-encoding, so that the compressed flag
   *     may be set
   * @param singleMessage whether the method takes exactly one request message (unary and
   *     server-streaming calls)
   */
  MessageFrameReader(long maxMessageBytes, boolean compressionAllowed, boolean singleMessage) {
    this.maxMessageBytes = maxMessageBytes;
    this.compressionAllowed = compressionAllowed;
    this.singleMessage = singleMessage;
  }

  /**
   * @return the messages this chunk completes, in order
   * @throws StatusException the status for the first thing wrong in the body
   */
  List<Frame> append(Buffer chunk) {
    List<Frame> complete = new ArrayList<>(1);
    int pos = 0;
    while (pos < chunk.length()) {
      if (payloadBytes < 0) {
        if (singleMessage && messages > 0) {
          throw new StatusException(GrpcStatus.INTERNAL,
              "Too many requests: a unary call carries exactly one request message");
        }
        int take = Math.min(PREFIX_BYTES - pending.length(), chunk.length() - pos);
        pending.appendBuffer(chunk, pos, take);
        pos += take;
        if (pending.length() < PREFIX_BYTES) {
          break;
        }
        readPrefix();
      }
      int take = Math.min(payloadBytes - pending.length(), chunk.length() - pos);
      pending.appendBuffer(chunk, pos, take);
      pos += take;
      if (pending.length() == payloadBytes) {
        complete.add(new Frame(compressed, pending));
        messages++;
        pending = Buffer.buffer(PREFIX_BYTES);
        payloadBytes = -1;
      }
    }
    return complete;
  }

  /**
   * The client ended its side of the call.
   *
   * @throws StatusException INTERNAL when the body ended inside a message
   */
  void finish() {
    if (payloadBytes >= 0) {
      throw new StatusException(GrpcStatus.INTERNAL, "request ended in the middle of a message: "
          + pending.length() + " of its " + payloadBytes + " bytes arrived");
    }
    if (pending.length() > 0) {
      throw new StatusException(GrpcStatus.INTERNAL, "request ended in the middle of a message"
          + " prefix: " + pending.length() + " of its " + PREFIX_BYTES + " bytes arrived");
    }
  }

  /** @return how many complete messages the body has had so far */
  int messages() {
    return messages;
  }

  private void readPrefix() {
    int flags = pending.getUnsignedByte(0);
    long length = pending.getUnsignedInt(1);
    if (flags > 1) {
      throw new StatusException(GrpcStatus.INTERNAL, String.format(
          "malformed message prefix: flags byte 0x%02x (only 0, plain, and 1, compressed, exist)",
          flags));
    }
    if (flags == 1 && !compressionAllowed) {
      throw new StatusException(GrpcStatus.INTERNAL,
          "message is marked compressed but the call sent no grpc-encoding header");
    }
    if (length > maxMessageBytes) {
      throw new StatusException(GrpcStatus.INVALID_ARGUMENT, "request message of " + length
          + " bytes is larger than the limit of " + maxMessageBytes + " bytes");
    }
    compressed = flags == 1;
    payloadBytes = (int) length;
    // Grows with what arrives: a prefix alone must not reserve the memory it announces.
    pending = Buffer.buffer((int) Math.min(length, 64 * 1024));
  }
}
