package io.inferencegw.gateway.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.FrameStreamClient;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.config.ConnectionLimits;
import io.inferencegw.gateway.e2e.Bystanders;
import io.inferencegw.gateway.e2e.FashionLenetReference;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.plugin.api.testing.Prerequisites;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.GoAway;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The connection limits of the frontend port, through two real gateways: one with second-long
 * timeouts (request head 1 s, idle 2 s) and one with a limit of 20 connections. Every test runs
 * {@link Bystanders} (gRPC, HTTP, WebSocket) while the hostile connections are open.
 */
// Runs with no other test class beside it (see the gateway pom): it attacks the gateway and
// asserts that other clients are served meanwhile.
@Tag("alone")
@ExtendWith(VertxExtension.class)
class ConnectionLimitsEndToEndTest {

  private static final int HEAD_SECONDS = 1;
  private static final int IDLE_SECONDS = 2;
  private static final int MAX_CONNECTIONS = 20;
  /** Holds a request for 3 s, longer than the idle timeout, unless 64 arrive. */
  private static final String SLOW = "slow-lenet";

  private static Vertx vertx;
  private static Gateway timeouts;
  private static Gateway limited;
  /** The second gateway's own Vert.x: device worker pools are shared by name within one. */
  private static Vertx limitedVertx;
  private static FashionMnist data;
  private static int[] reference;

  @BeforeAll
  static void start(Vertx v) throws Exception {
    Prerequisites.require(FashionMnist.isInstalled(), "the Fashion-MNIST test set",
        "dataset-fashion-mnist");
    vertx = v;
    data = FashionMnist.testSet();
    reference = FashionLenetReference.predictions(data);
    timeouts = Gateway.start(vertx, TestGateways.withModels(
            TestGateways.lenetAs(SLOW, new BatchingConfig(64, 3_000_000, 64)))
        .withConnections(new ConnectionLimits(
            1000, HEAD_SECONDS, IDLE_SECONDS, IDLE_SECONDS, IDLE_SECONDS)))
        .await(60, TimeUnit.SECONDS);
    limitedVertx = Vertx.vertx();
    limited = Gateway.start(limitedVertx, TestGateways.withModels()
        .withConnections(new ConnectionLimits(MAX_CONNECTIONS, 60, 60, 60, 60)))
        .await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Gateway g : new Gateway[] {timeouts, limited}) {
      if (g != null) {
        g.close().await(60, TimeUnit.SECONDS);
      }
    }
    if (limitedVertx != null) {
      limitedVertx.close().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void connectionsThatSendNothingOrNoRequestAreClosed() throws Exception {
    int port = timeouts.port();
    try (Bystanders others = Bystanders.reconnecting(vertx, port, data, reference)) {
      List<RawHttp1> silent = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        silent.add(new RawHttp1(port));
      }
      RawHttp1 partialHead = new RawHttp1(port);
      partialHead.send("GET /health/live HTTP/1.1\r\nHost: localhost\r\n");
      RawHttp2 halfPreface = new RawHttp2(port);
      halfPreface.send(Arrays.copyOf(RawHttp2.PREFACE, 10));
      RawHttp2 noRequest = new RawHttp2(port);
      noRequest.sendPrefaceAndSettings();

      others.check(0);

      RawHttp2.GoAway goAway = noRequest.awaitGoAway();
      assertEquals(0, goAway.errorCode(), "NO_ERROR");
      assertEquals("no request within " + HEAD_SECONDS + " s", goAway.debugData());
      assertTrue(noRequest.closedWithoutGoAway(), "closed after the GOAWAY");
      assertTrue(halfPreface.closedWithoutGoAway(), "a connection whose protocol is unknown");
      assertTrue(partialHead.closedByServer(), "a request head that stopped half way");
      for (RawHttp1 s : silent) {
        assertTrue(s.closedByServer(), "a connection that sent nothing");
        s.close();
      }
      partialHead.close();
      halfPreface.close();
      noRequest.close();
      others.check(1);
    }
  }

  @Test
  void aRequestHeadDribbledByteByByteIsCutAtTheHeadTimeout() throws Exception {
    int port = timeouts.port();
    try (Bystanders others = Bystanders.reconnecting(vertx, port, data, reference);
        RawHttp1 slowloris = new RawHttp1(port)) {
      slowloris.send("GET /health/live HTTP/1.1\r\nX-Slow: ");
      // A byte every 200 ms keeps the connection from being idle; only the head timeout ends it.
      // The pause is the attack under test (a slowloris client), not a wait for some state.
      CompletableFuture<Integer> dribble = CompletableFuture.supplyAsync(() -> {
        int sent = 0;
        try {
          while (sent < 200) {
            slowloris.send("a");
            sent++;
            Thread.sleep(200);
          }
        } catch (Exception closed) {
          // the gateway closed the connection
        }
        return sent;
      });
      others.check(2);
      assertTrue(slowloris.closedByServer());
      assertTrue(dribble.get(60, TimeUnit.SECONDS) < 200, "the dribble was cut off");
      others.check(3);
    }
  }

  @Test
  void connectionsThatHaveNotSentARequestAreBoundedInNumberToo() throws Exception {
    int port = limited.port();
    ConnectionGuard guard = limited.connections();
    try (Bystanders others = new Bystanders(vertx, port, data, reference)) {
      others.check(20);
      long refusedBefore = guard.refused();
      List<RawHttp1> silent = new ArrayList<>();
      for (int i = 0; i < MAX_CONNECTIONS + 5; i++) {
        silent.add(new RawHttp1(port));
      }
      Await.until("5 closed at accept", () -> guard.refused() == refusedBefore + 5);
      assertEquals(MAX_CONNECTIONS, guard.unknown(), "the rest wait for their head timeout");
      others.check(21); // known connections are served
      for (RawHttp1 s : silent) {
        s.close();
      }
      Await.until("the silent connections are gone", () -> guard.unknown() == 0);
      try (RawHttp1 next = new RawHttp1(port)) {
        next.send("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", next.readResponse().statusLine());
      }
    }
  }

  @Test
  void idleHttpConnectionsAreClosedTheWayTheirProtocolSaysGoodbye() throws Exception {
    int port = timeouts.port();
    try (Bystanders others = Bystanders.reconnecting(vertx, port, data, reference);
        RawHttp1 keepAlive = new RawHttp1(port)) {
      keepAlive.send("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertEquals("HTTP/1.1 200 OK", keepAlive.readResponse().statusLine());

      HttpClient h2 = vertx.createHttpClient(new HttpClientOptions()
          .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
      Promise<GoAway> goAway = Promise.promise();
      h2.request(HttpMethod.GET, port, "localhost", "/health/live")
          .compose(req -> req.send().onSuccess(resp ->
              req.connection().goAwayHandler(goAway::tryComplete)))
          .await(30, TimeUnit.SECONDS);

      others.check(4);

      assertTrue(keepAlive.closedByServer(), "HTTP/1: closed");
      GoAway away = goAway.future().await(30, TimeUnit.SECONDS);
      assertEquals(0, away.getErrorCode(), "HTTP/2: GOAWAY NO_ERROR");
      assertTrue(away.getDebugData().toString().contains("idle"), away.getDebugData().toString());
      h2.close();
      others.check(5);
    }
  }

  @Test
  void anIdleWebSocketIsClosedWith1001() throws Exception {
    int port = timeouts.port();
    WebSocketClient wsClient = vertx.createWebSocketClient();
    Promise<String> closed = Promise.promise();
    var ws = wsClient.connect(new WebSocketConnectOptions().setHost("localhost").setPort(port)
            .setURI("/v1/models/fashion-lenet/stream")).await(30, TimeUnit.SECONDS);
    ws.closeHandler(v -> closed.tryComplete(ws.closeStatusCode() + " " + ws.closeReason()));
    try (Bystanders others = Bystanders.reconnecting(vertx, port, data, reference)) {
      others.check(6);
      String status = closed.future().await(30, TimeUnit.SECONDS);
      assertTrue(status.startsWith("1001 idle"), status);
      others.check(7);
    }
    wsClient.close();
  }

  @Test
  void aLongCallAndAFrameBeingComputedAreNotCutAsIdle() throws Exception {
    int port = timeouts.port();
    WebSocketClient wsClient = vertx.createWebSocketClient();
    BlockingQueue<FrameStreamClient.Reply> replies = new LinkedBlockingQueue<>();
    FrameStreamClient stream = FrameStreamClient.connect(
        wsClient, "localhost", port, SLOW, "policy=all", replies::add).await(30, TimeUnit.SECONDS);
    try (GatewayClient grpc = new GatewayClient(vertx, "localhost", port)) {
      stream.sendFrame(data.png(8));
      // Both wait 3 s for their batch, silent, longer than the 2 s idle timeout.
      var call = grpc.classify(ClassifyRequest.newBuilder().setModel(SLOW)
          .setImage(ByteString.copyFrom(data.png(9))).build());
      assertEquals(reference[9], call.await(30, TimeUnit.SECONDS).getPredictions(0).getIndex());
      FrameStreamClient.Reply reply = replies.poll(30, TimeUnit.SECONDS);
      assertEquals("ok", reply.status(), reply.json().encode());
      assertEquals(reference[8], reply.topIndex());
      assertTrue(reply.json().getLong("queue_us") > IDLE_SECONDS * 1_000_000L,
          "the frame waited longer than the idle timeout: " + reply.json());
    }
    stream.close();
    wsClient.close();
  }

  @Test
  void beyondTheLimitNewConnectionsAreRefusedClearlyWhileTheOthersAreServed() throws Exception {
    int port = limited.port();
    ConnectionGuard guard = limited.connections();
    try (Bystanders others = new Bystanders(vertx, port, data, reference)) {
      others.check(10); // opens the bystanders' three connections
      Await.until("only the bystanders' connections are open", () -> guard.open() == 3);
      // Connections that make one request and then hold on (the idle timeout is a minute).
      List<RawHttp1> hostile = new ArrayList<>();
      for (int i = 3; i < MAX_CONNECTIONS; i++) {
        RawHttp1 h = new RawHttp1(port);
        h.send("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", h.readResponse().statusLine());
        hostile.add(h);
      }
      assertEquals(MAX_CONNECTIONS, guard.open());
      long refusedBefore = guard.refused();

      try (RawHttp1 next = new RawHttp1(port)) {
        next.send("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
        RawHttp1.Response refused = next.readResponse();
        assertEquals("HTTP/1.1 503 Service Unavailable", refused.statusLine());
        assertTrue(refused.body().contains("limit of " + MAX_CONNECTIONS + " connections"),
            refused.body());
        assertTrue(next.closedByServer());
      }
      try (RawHttp2 next = new RawHttp2(port)) {
        next.sendPrefaceAndSettings();
        RawHttp2.GoAway goAway = next.awaitGoAway();
        assertEquals(0x7, goAway.errorCode(), "REFUSED_STREAM: nothing was processed");
        assertTrue(goAway.debugData().contains("limit of " + MAX_CONNECTIONS + " connections"),
            goAway.debugData());
      }
      try (GatewayClient grpc = new GatewayClient(vertx, "localhost", port)) {
        ClassifyRequest request = ClassifyRequest.newBuilder().setModel("fashion-lenet")
            .setImage(ByteString.copyFrom(data.png(11))).build();
        assertThrows(Exception.class, () -> grpc.classify(request).await(30, TimeUnit.SECONDS),
            "a new gRPC connection is refused");
      }
      others.check(12); // the connections within the limit are served
      assertTrue(guard.refused() >= refusedBefore + 3, "refusals counted: " + guard.refused());
      assertEquals(MAX_CONNECTIONS, guard.open(), "refused connections are not counted");

      for (RawHttp1 h : hostile) {
        h.close();
      }
      Await.until("the hostile connections are gone", () -> guard.open() == 3);
      try (GatewayClient grpc = new GatewayClient(vertx, "localhost", port);
          RawHttp1 next = new RawHttp1(port)) {
        ClassifyRequest request = ClassifyRequest.newBuilder().setModel("fashion-lenet")
            .setImage(ByteString.copyFrom(data.png(13))).build();
        assertEquals(reference[13],
            grpc.classify(request).await(30, TimeUnit.SECONDS).getPredictions(0).getIndex());
        next.send("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", next.readResponse().statusLine());
      }
      others.check(14);
    }
  }

  @Test
  void http2AndHttp1HeadersAndStreamsAreBounded() throws Exception {
    try (RawHttp2 h2 = new RawHttp2(limited.port())) {
      h2.sendPrefaceAndSettings();
      var settings = h2.awaitSettings();
      assertEquals(100L, settings.get(0x3), "SETTINGS_MAX_CONCURRENT_STREAMS: " + settings);
      assertEquals(8192L, settings.get(0x6), "SETTINGS_MAX_HEADER_LIST_SIZE: " + settings);
    }
    try (RawHttp1 h1 = new RawHttp1(limited.port())) {
      h1.send("GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(9000)
          + "\r\n\r\n");
      String status = h1.readResponse().statusLine();
      assertTrue(status.startsWith("HTTP/1.1 431"), status);
    }
  }
}
