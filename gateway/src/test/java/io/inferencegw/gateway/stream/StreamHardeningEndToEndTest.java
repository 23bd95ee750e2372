package io.inferencegw.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.e2e.Bystanders;
import io.inferencegw.gateway.e2e.FashionLenetReference;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Prerequisites;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile WebSocket clients through the real gateway: ping floods and text that is not UTF-8.
 * Every test runs {@link Bystanders} (a gRPC Classify, /health/live and a well-behaved stream)
 * while the hostile client is at work.
 */
// Runs with no other test class beside it (see the gateway pom): it attacks the gateway and
// asserts that other clients are served meanwhile.
@Tag("alone")
@ExtendWith(VertxExtension.class)
class StreamHardeningEndToEndTest {

  private static final String PATH = "/v1/models/fashion-lenet/stream";
  private static final int MAX_PINGS = 50; // ControlFrameGuard.MAX_CONTROL_FRAMES_PER_SECOND

  private static Vertx vertx;
  private static Gateway gateway;
  private static FashionMnist data;
  private static int[] reference;

  @BeforeAll
  static void start(Vertx v) throws Exception {
    Prerequisites.require(FashionMnist.isInstalled(), "the Fashion-MNIST test set",
        "dataset-fashion-mnist");
    vertx = v;
    data = FashionMnist.testSet();
    reference = FashionLenetReference.predictions(data);
    gateway = Gateway.start(vertx, TestGateways.withModels()).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  private static byte[] pings(int count) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] ping = RawWebSocket.frame(RawWebSocket.PING, true, new byte[125]);
    for (int i = 0; i < count; i++) {
      all.write(ping, 0, ping.length);
    }
    return all.toByteArray();
  }

  @Test
  void aPingFloodIsClosedWith1008AfterABoundedNumberOfPongs() throws Exception {
    try (Bystanders others = new Bystanders(vertx, gateway.port(), data, reference);
        RawWebSocket flood = new RawWebSocket(gateway.port(), PATH)) {
      others.check(0);
      flood.send(pings(200)); // without reading anything
      others.check(1);
      List<RawWebSocket.Frame> pongs = new ArrayList<>();
      RawWebSocket.Frame close = flood.readUntilClose(pongs);
      assertNotNull(close, "a close frame, not just the end of the connection");
      assertEquals(1008, close.closeCode());
      assertTrue(close.closeReason().contains("pings and pongs per second"), close.closeReason());
      assertEquals(MAX_PINGS, pongs.size(), "pongs answered before the close");
      pongs.forEach(f -> assertEquals(RawWebSocket.PONG, f.opcode()));
      others.check(2);
    }
  }

  @Test
  void clientsThatFloodPingsWithoutReadingAreCutOffWhileOthersAreServed() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    // Like the probe that grew the heap by gigabytes: pings as fast as the socket takes them,
    // nothing read, reconnecting whenever the gateway closes the connection.
    CompletableFuture<List<Long>> flooder = CompletableFuture.supplyAsync(() -> {
      List<Long> bytesPerConnection = new ArrayList<>();
      byte[] burst = pings(500);
      while (!stop.get() && bytesPerConnection.size() < 1000) {
        long sent = 0;
        try (RawWebSocket flood = new RawWebSocket(gateway.port(), PATH)) {
          while (sent < 256L * 1024 * 1024) {
            flood.send(burst);
            sent += burst.length;
          }
        } catch (IOException closedByGateway) {
          // expected: the gateway closed it
        }
        bytesPerConnection.add(sent);
      }
      return bytesPerConnection;
    });
    try (Bystanders others = new Bystanders(vertx, gateway.port(), data, reference)) {
      for (int image = 10; image < 30; image++) {
        others.check(image);
      }
    }
    stop.set(true);
    List<Long> sent = flooder.get(60, TimeUnit.SECONDS);
    assertTrue(sent.size() >= 2, "the flooder was cut off and came back: " + sent.size());
    for (long bytes : sent) {
      assertTrue(bytes < 16L * 1024 * 1024,
          "a flooding connection was cut off after at most 16 MiB, not " + bytes + " bytes");
    }
  }

  @Test
  void keepAlivePingsAreAnsweredAndTheStreamGoesOn() throws Exception {
    try (RawWebSocket ws = new RawWebSocket(gateway.port(), PATH)) {
      ws.send(pings(10));
      for (int i = 0; i < 10; i++) {
        assertEquals(RawWebSocket.PONG, ws.readFrame().opcode());
      }
      ws.send(RawWebSocket.frame(RawWebSocket.BINARY, true, data.png(3)));
      RawWebSocket.Frame reply = ws.readFrame();
      JsonObject json = new JsonObject(new String(reply.payload(), StandardCharsets.UTF_8));
      assertEquals("ok", json.getString("status"), json.encode());
      assertEquals(reference[3],
          json.getJsonArray("predictions").getJsonObject(0).getInteger("index"));
    }
  }

  @Test
  void textThatIsNotUtf8ClosesWith1007AlsoAcrossFragments() throws Exception {
    try (Bystanders others = new Bystanders(vertx, gateway.port(), data, reference)) {
      // One frame: 0xC3 must be followed by a continuation byte, not '('.
      try (RawWebSocket ws = new RawWebSocket(gateway.port(), PATH)) {
        ws.send(RawWebSocket.frame(RawWebSocket.TEXT, true, new byte[] {'{', (byte) 0xC3, '('}));
        assertInvalidPayloadClose(ws);
      }
      others.check(4);
      // A euro sign (E2 82 AC) split across two frames is valid UTF-8: the control is answered.
      try (RawWebSocket ws = new RawWebSocket(gateway.port(), PATH)) {
        ws.send(
            RawWebSocket.frame(RawWebSocket.TEXT, false, bytes("{\"x\": \"", 0xE2, 0x82)),
            RawWebSocket.frame(RawWebSocket.CONTINUATION, true, bytes("", 0xAC, '"', '}')));
        RawWebSocket.Frame reply = ws.readFrame();
        assertEquals(RawWebSocket.TEXT, reply.opcode());
        JsonObject json = new JsonObject(new String(reply.payload(), StandardCharsets.UTF_8));
        assertEquals("error", json.getString("status"), "an unknown control, answered");
      }
      // The same sequence broken across the frames: closed with 1007.
      try (RawWebSocket ws = new RawWebSocket(gateway.port(), PATH)) {
        ws.send(
            RawWebSocket.frame(RawWebSocket.TEXT, false, bytes("{\"x\": \"", 0xE2, 0x82)),
            RawWebSocket.frame(RawWebSocket.CONTINUATION, true, bytes("", '(', '"', '}')));
        assertInvalidPayloadClose(ws);
      }
      others.check(5);
    }
  }

  private static void assertInvalidPayloadClose(RawWebSocket ws) throws IOException {
    List<RawWebSocket.Frame> before = new ArrayList<>();
    RawWebSocket.Frame close = ws.readUntilClose(before);
    assertNotNull(close, "a close frame");
    assertEquals(1007, close.closeCode());
    assertEquals("text message is not valid UTF-8", close.closeReason());
    assertTrue(before.isEmpty(), "nothing answered before the close: " + before.size());
  }

  private static byte[] bytes(String start, int... more) {
    byte[] head = start.getBytes(StandardCharsets.UTF_8);
    byte[] all = Arrays.copyOf(head, head.length + more.length);
    for (int i = 0; i < more.length; i++) {
      all[head.length + i] = (byte) more[i];
    }
    return all;
  }
}
