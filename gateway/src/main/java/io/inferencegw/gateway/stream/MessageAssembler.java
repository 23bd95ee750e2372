package io.inferencegw.gateway.stream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reassembles a socket's WebSocket messages from its frames, counting bytes as they arrive.
 *
 * <p>Why not Vert.x's own message handlers: they buffer a whole message before checking its
 * size, and a message over their limit only raises an exception, with no way to answer it. Here
 * a message that grows past its limit stops being buffered at once; the rest of its frames are
 * counted and dropped, and when it ends the caller gets an {@link Oversized} to answer. So a
 * fragmented message of any length costs at most the limit in memory. (A single frame is
 * buffered whole by Netty before anyone sees it; the server's max frame size caps that.)
 *
 * <p>Not thread-safe: one per socket, used on its event loop.
 */
final class MessageAssembler {

  sealed interface Message {}

  /** A complete binary message within the limit. */
  record Binary(byte[] data) implements Message {}

  /** A complete text message within the limit. */
  record Text(String text) implements Message {}

  /**
   * A text message within the limit whose bytes are not UTF-8; the socket must be failed (RFC
   * 6455 section 8.1).
   */
  record InvalidText() implements Message {}

  /** A message that exceeded its limit; its content was dropped. */
  record Oversized(boolean text, long bytes, int limit) implements Message {}

  private final int maxBinaryBytes;
  private final int maxTextBytes;
  private boolean inMessage;
  private boolean text;
  private long size;
  private Buffer parts; // null while a single-frame message is the only part, or once dropped
  private byte[] firstPart;
  private boolean dropping;

  MessageAssembler(int maxBinaryBytes, int maxTextBytes) {
    this.maxBinaryBytes = maxBinaryBytes;
    this.maxTextBytes = maxTextBytes;
  }

  /**
   * Takes the next frame. Returns the message it completes, or null when it does not end a
   * message (or is not a data frame: ping, pong and close are Vert.x's business).
   */
  Message accept(WebSocketFrame frame) {
    if (frame.isText() || frame.isBinary()) {
      inMessage = true;
      text = frame.isText();
      size = 0;
      parts = null;
      firstPart = null;
      dropping = false;
    } else if (!frame.isContinuation() || !inMessage) {
      return null; // Netty already refuses a continuation without a start as a protocol error
    }
    Buffer data = frame.binaryData();
    size += data.length();
    int limit = text ? maxTextBytes : maxBinaryBytes;
    if (!dropping && size > limit) {
      dropping = true;
      parts = null;
      firstPart = null;
    }
    if (!dropping) {
      append(data);
    }
    if (!frame.isFinal()) {
      return null;
    }
    inMessage = false;
    if (dropping) {
      return new Oversized(text, size, limit);
    }
    byte[] bytes = parts == null ? (firstPart == null ? new byte[0] : firstPart) : parts.getBytes();
    parts = null;
    firstPart = null;
    return text ? decodeText(bytes) : new Binary(bytes);
  }

  /**
   * Strict UTF-8: the whole message is decoded at once, so a character split across frames is
   * accepted and a sequence broken across frames is not. ({@code new String} would silently
   * turn bad bytes into replacement characters.)
   */
  private static Message decodeText(byte[] bytes) {
    try {
      return new Text(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString());
    } catch (CharacterCodingException e) {
      return new InvalidText();
    }
  }

  /** Most messages are one frame: keep its bytes as they are and copy only for a second part. */
  private void append(Buffer data) {
    if (firstPart == null && parts == null) {
      firstPart = data.getBytes();
      return;
    }
    if (parts == null) {
      parts = Buffer.buffer((int) Math.min(size, text ? maxTextBytes : maxBinaryBytes));
      parts.appendBytes(firstPart);
      firstPart = null;
    }
    parts.appendBuffer(data);
  }
}
