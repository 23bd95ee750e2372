package io.inferencegw.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import org.junit.jupiter.api.Test;

class MessageAssemblerTest {

  private final MessageAssembler assembler = new MessageAssembler(100, 20);

  private static Buffer bytes(int n, int value) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) value);
    return Buffer.buffer(b);
  }

  @Test
  void aSingleFrameMessageComesOutWhole() {
    MessageAssembler.Message m = assembler.accept(WebSocketFrame.binaryFrame(bytes(100, 1), true));
    assertArrayEquals(bytes(100, 1).getBytes(), assertInstanceOf(MessageAssembler.Binary.class, m).data());
  }

  @Test
  void fragmentsAreJoinedInOrder() {
    assertNull(assembler.accept(WebSocketFrame.binaryFrame(bytes(30, 1), false)));
    assertNull(assembler.accept(WebSocketFrame.continuationFrame(bytes(30, 2), false)));
    MessageAssembler.Message m = assembler.accept(WebSocketFrame.continuationFrame(bytes(40, 3), true));
    byte[] data = assertInstanceOf(MessageAssembler.Binary.class, m).data();
    assertEquals(100, data.length);
    assertEquals(1, data[0]);
    assertEquals(2, data[30]);
    assertEquals(3, data[99]);
  }

  @Test
  void aMessageOverTheLimitIsCountedToItsEndAndReported() {
    assertNull(assembler.accept(WebSocketFrame.binaryFrame(bytes(60, 1), false)));
    assertNull(assembler.accept(WebSocketFrame.continuationFrame(bytes(60, 1), false)));
    for (int i = 0; i < 1000; i++) { // dropped as it comes, never buffered
      assertNull(assembler.accept(WebSocketFrame.continuationFrame(bytes(1000, 1), false)));
    }
    MessageAssembler.Message m = assembler.accept(WebSocketFrame.continuationFrame(bytes(5, 1), true));
    MessageAssembler.Oversized o = assertInstanceOf(MessageAssembler.Oversized.class, m);
    assertEquals(60 + 60 + 1_000_000 + 5, o.bytes());
    assertEquals(100, o.limit());
    // The next message is read normally.
    m = assembler.accept(WebSocketFrame.binaryFrame(bytes(3, 9), true));
    assertEquals(3, assertInstanceOf(MessageAssembler.Binary.class, m).data().length);
  }

  @Test
  void textHasItsOwnLimit() {
    MessageAssembler.Message m = assembler.accept(WebSocketFrame.textFrame("{\"encoded\": true}", true));
    assertEquals("{\"encoded\": true}", assertInstanceOf(MessageAssembler.Text.class, m).text());
    m = assembler.accept(WebSocketFrame.textFrame("x".repeat(21), true));
    assertInstanceOf(MessageAssembler.Oversized.class, m);
  }

  @Test
  void controlFramesAreNotMessages() {
    assertNull(assembler.accept(WebSocketFrame.pingFrame(Buffer.buffer("p"))));
    assertNull(assembler.accept(WebSocketFrame.continuationFrame(bytes(3, 1), true)),
        "a continuation without a start");
  }

  @Test
  void anEmptyBinaryMessageIsAMessage() {
    MessageAssembler.Message m = assembler.accept(WebSocketFrame.binaryFrame(Buffer.buffer(), true));
    assertEquals(0, assertInstanceOf(MessageAssembler.Binary.class, m).data().length);
  }
}
