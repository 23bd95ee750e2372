package io.inferencegw.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.FrameStreamClient;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.config.StreamConfig;
import io.inferencegw.gateway.e2e.FashionLenetReference;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.plugin.api.testing.Prerequisites;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * WebSocket frame streams through the real gateway, serving the bundled Fashion-MNIST LeNet:
 * one ordered reply per frame under both policies, correct classes, bounded queues, bad
 * frames, disconnects, batches shared with gRPC, and refused handshakes.
 */
@ExtendWith(VertxExtension.class)
class StreamEndToEndTest {

  private static final String LENET = "fashion-lenet";
  /** Holds frames for 3 s unless 64 arrive: lets a test disconnect with frames queued. */
  private static final String SLOW = "slow-lenet";
  /** Room for two waiting requests only: a stream of policy all must wait for room. */
  private static final String TINY = "tiny-lenet";
  private static final int FRAMES = 200;
  private static final int STREAMS = 8;
  private static final int BOUND = StreamConfig.DEFAULT.maxQueuedFrames();

  private static Vertx vertx;
  private static Gateway gateway;
  private static WebSocketClient ws;
  private static HttpClient http;
  private static FashionMnist data;
  private static int[] reference;
  private static byte[][] pngs;

  @BeforeAll
  static void start(Vertx v) throws Exception {
    Prerequisites.require(FashionMnist.isInstalled(), "the Fashion-MNIST test set",
        "dataset-fashion-mnist");
    vertx = v;
    data = FashionMnist.testSet();
    reference = FashionLenetReference.predictions(data);
    pngs = new byte[STREAMS * FRAMES][];
    for (int i = 0; i < pngs.length; i++) {
      pngs[i] = data.png(i);
    }
    gateway = Gateway.start(vertx, TestGateways.withModels(
            TestGateways.lenetAs(SLOW, new BatchingConfig(64, 3_000_000, 64)),
            TestGateways.lenetAs(TINY, new BatchingConfig(2, 20_000, 2))))
        .await(60, TimeUnit.SECONDS);
    // Small client frames, so that a large message goes out as many continuation frames.
    ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(64 * 1024));
    http = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  private static RecordingStream open(String model, String query) throws Exception {
    return RecordingStream.open(ws, gateway.port(), model, query);
  }

  private static JsonObject streamsJson() throws Exception {
    return http.request(HttpMethod.GET, gateway.port(), "localhost", "/v1/streams")
        .compose(req -> req.send().compose(HttpClientResponse::body))
        .map(Buffer::toJsonObject)
        .await(30, TimeUnit.SECONDS);
  }

  /** The /v1/streams entry of a client's stream, found by the client's port. */
  private static JsonObject serverView(RecordingStream stream) throws Exception {
    String suffix = ":" + stream.localPort();
    return streamsJson().getJsonArray("streams").stream()
        .map(JsonObject.class::cast)
        .filter(s -> s.getString("remote").endsWith(suffix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("stream " + suffix + " not in /v1/streams"));
  }

  /** Every frame got one reply, seq 0..n-1 in order, and every ok reply has the right class. */
  private static void assertOrderedAndCorrect(List<FrameStreamClient.Reply> replies, int n,
      int firstImage) {
    assertEquals(n, replies.size(), "one reply per frame");
    for (int seq = 0; seq < n; seq++) {
      FrameStreamClient.Reply r = replies.get(seq);
      assertEquals(seq, r.seq(), "replies in seq order");
      if (r.status().equals("ok")) {
        assertEquals(reference[firstImage + seq], r.topIndex(), "class of frame " + seq);
      }
    }
  }

  private static long count(List<FrameStreamClient.Reply> replies, String status) {
    return replies.stream().filter(r -> r.status().equals(status)).count();
  }

  @Test
  void latestPolicyAnswersEveryFrameInOrderAndSkipsOnlyWhatWasReplaced() throws Exception {
    List<RecordingStream> streams = new ArrayList<>();
    for (int s = 0; s < STREAMS; s++) {
      streams.add(open(LENET, "policy=latest"));
    }
    for (int i = 0; i < FRAMES; i++) { // as fast as the client can write, interleaved
      for (int s = 0; s < STREAMS; s++) {
        streams.get(s).client.sendFrame(pngs[s * FRAMES + i]);
      }
    }
    for (int s = 0; s < STREAMS; s++) {
      RecordingStream stream = streams.get(s);
      stream.awaitFrameReplies(FRAMES);
      List<FrameStreamClient.Reply> replies = stream.frames();
      assertOrderedAndCorrect(replies, FRAMES, s * FRAMES);
      long ok = count(replies, "ok");
      long skipped = count(replies, "skipped");
      assertEquals(FRAMES, ok + skipped, "stream " + s + ": only ok and skipped replies");
      assertEquals("ok", replies.get(FRAMES - 1).status(),
          "stream " + s + ": the newest frame is never superseded");
      assertTrue(ok >= 1, "stream " + s + " got answers");
      replies.stream().filter(r -> r.status().equals("skipped"))
          .forEach(r -> assertEquals("superseded", r.json().getString("reason")));
      JsonObject server = serverView(stream);
      assertEquals(ok, server.getLong("ok"));
      assertEquals(skipped, server.getLong("skipped"));
      assertEquals(1, server.getInteger("waiting_high_water"),
          "latest keeps at most one frame waiting in the queue: " + server);
    }
    for (RecordingStream stream : streams) {
      stream.client.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void allPolicyComputesEveryFrameAndBoundsWhatEachStreamQueues() throws Exception {
    List<RecordingStream> streams = new ArrayList<>();
    for (int s = 0; s < STREAMS; s++) {
      streams.add(open(LENET, "policy=all&top_k=3"));
    }
    for (int i = 0; i < FRAMES; i++) {
      for (int s = 0; s < STREAMS; s++) {
        streams.get(s).client.sendFrame(pngs[s * FRAMES + i]);
      }
    }
    for (int s = 0; s < STREAMS; s++) {
      RecordingStream stream = streams.get(s);
      stream.awaitFrameReplies(FRAMES);
      List<FrameStreamClient.Reply> replies = stream.frames();
      assertOrderedAndCorrect(replies, FRAMES, s * FRAMES);
      assertEquals(FRAMES, count(replies, "ok"), "stream " + s + ": every frame computed");
      assertEquals(3, replies.get(0).json().getJsonArray("predictions").size(), "top_k=3");
      JsonObject server = serverView(stream);
      assertEquals(FRAMES, server.getLong("ok"));
      assertEquals(BOUND, server.getInteger("queued_bound"));
      assertTrue(server.getInteger("queued_high_water") <= BOUND,
          "queued frames exceeded the bound: " + server);
      // The client sent 200 frames at once: the bound was reached and reading paused.
      assertEquals(BOUND, server.getInteger("queued_high_water"), server.encode());
      assertTrue(server.getLong("pauses") >= 1, "the socket was paused: " + server);
    }
    for (RecordingStream stream : streams) {
      stream.client.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void allPolicyWaitsForRoomInAFullQueueInsteadOfFailingFrames() throws Exception {
    RecordingStream stream = open(TINY, "policy=all");
    for (int i = 0; i < 40; i++) {
      stream.client.sendFrame(pngs[i]);
    }
    stream.awaitFrameReplies(40);
    assertOrderedAndCorrect(stream.frames(), 40, 0);
    assertEquals(40, count(stream.frames(), "ok"), "no frame failed on the full queue");
    // Latest streams: a frame that finds no room replaces the stream's waiting frame, or is
    // answered RESOURCE_EXHAUSTED as a gRPC call would be; still one reply each, in order.
    RecordingStream[] latest = new RecordingStream[4];
    for (int s = 0; s < latest.length; s++) {
      latest[s] = open(TINY, "policy=latest");
    }
    for (int i = 0; i < 20; i++) {
      for (RecordingStream l : latest) {
        l.client.sendFrame(pngs[i]);
      }
    }
    for (RecordingStream l : latest) {
      l.awaitFrameReplies(20);
      assertOrderedAndCorrect(l.frames(), 20, 0);
      for (FrameStreamClient.Reply r : l.frames()) {
        assertTrue(r.status().equals("ok") || r.status().equals("skipped")
            || "RESOURCE_EXHAUSTED".equals(r.json().getString("code")), r.json().encode());
      }
      l.client.close().await(10, TimeUnit.SECONDS);
    }
    stream.client.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void badFramesGetAnErrorForTheirSeqAndTheStreamGoesOn() throws Exception {
    RecordingStream stream = open(LENET, "policy=all");
    byte[] garbage = new byte[3000];
    new Random(7).nextBytes(garbage);
    byte[] jpeg = TestFrames.jpeg(data, 11);
    byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
    int limit = StreamConfig.DEFAULT.maxMessageBytes();

    stream.client.sendFrame(pngs[1]);                        // seq 0 ok
    stream.client.sendFrame(garbage);                        // seq 1 error
    stream.client.sendFrame(pngs[2]);                        // seq 2 ok
    stream.client.sendFrame(truncated);                      // seq 3 error
    stream.client.sendFrame(new byte[limit + 1]);            // seq 4 error: 65 continuation frames
    stream.client.sendFrame(pngs[3]);                        // seq 5 ok
    stream.client.sendControl("{\"raw\": {\"width\": 28");   // control error
    stream.client.sendFrame(pngs[4]);                        // seq 6 ok
    stream.client.sendControl("{\"speed\": 2}");             // control error: unknown control
    // One single frame above the message limit, below the hard cap.
    byte[] big = new byte[limit + 100_000];
    stream.client.socket().writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(big), true));
    stream.client.sendFrame(jpeg);                           // seq 8 ok (seq 7 was the big one)
    stream.awaitFrameReplies(9);

    List<FrameStreamClient.Reply> all = stream.replies;
    List<String> shape = all.stream()
        .map(r -> r.isControl() ? "control-" + r.status() : r.seq() + "-" + r.status())
        .toList();
    assertEquals(List.of("0-ok", "1-error", "2-ok", "3-error", "4-error", "5-ok",
        "control-error", "6-ok", "control-error", "7-error", "8-ok"), shape,
        "one reply per message, in order");
    for (FrameStreamClient.Reply r : all) {
      if (r.status().equals("error")) {
        assertEquals("INVALID_ARGUMENT", r.json().getString("code"), r.json().encode());
        assertTrue(!r.json().getString("message").isBlank());
      }
    }
    assertTrue(all.get(4).json().getString("message").contains("exceeds the limit of " + limit),
        all.get(4).json().encode());
    assertEquals(reference[1], all.get(0).topIndex());
    assertEquals(reference[4], all.get(7).topIndex());
    assertEquals(reference[11], all.get(10).topIndex(), "a JPEG frame after the errors");
    stream.client.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void rawControlSwitchesToPixelsWithTheSameAnswers() throws Exception {
    RecordingStream stream = open(LENET, "policy=all&top_k=10");
    stream.client.sendFrame(pngs[21]);
    stream.client.sendControl("{\"raw\": {\"width\": 28, \"height\": 28, \"channels\": 3}}");
    stream.client.sendFrame(TestFrames.rgb(data.image(21)));
    stream.client.sendFrame(new byte[28 * 28]); // wrong size for 3 channels
    stream.client.sendControl("{\"encoded\": true}");
    stream.client.sendFrame(pngs[22]);
    stream.awaitFrameReplies(4);
    List<FrameStreamClient.Reply> all = stream.replies;
    assertEquals(List.of(false, true, false, false, true, false),
        all.stream().map(FrameStreamClient.Reply::isControl).toList());
    assertEquals("ok", all.get(1).status());
    assertEquals("raw", all.get(1).json().getString("control"));
    JsonObject fromPng = all.get(0).json();
    JsonObject fromRaw = all.get(2).json();
    assertEquals(fromPng.getJsonArray("predictions").getJsonObject(0).getInteger("index"),
        fromRaw.getJsonArray("predictions").getJsonObject(0).getInteger("index"));
    for (int k = 0; k < 10; k++) {
      assertEquals(fromPng.getJsonArray("predictions").getJsonObject(k).getDouble("score"),
          fromRaw.getJsonArray("predictions").getJsonObject(k).getDouble("score"), 1e-5);
    }
    assertEquals("error", all.get(3).status());
    assertEquals("ok", all.get(5).status());
    assertEquals(reference[22], all.get(5).topIndex());
    stream.client.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void framesQueuedWhenTheClientDisconnectsAreNeverComputed() throws Exception {
    long removedBefore = streamsJson().getJsonObject("totals").getLong("removed_on_disconnect");
    long okBefore = streamsJson().getJsonObject("totals").getLong("ok");
    RecordingStream stream = open(SLOW, "policy=all");
    for (int i = 0; i < 3; i++) {
      stream.client.sendFrame(pngs[i]);
    }
    Await.until("3 frames queued", () -> serverView(stream).getInteger("queued") == 3);
    stream.client.close().await(10, TimeUnit.SECONDS);
    Await.until("the 3 queued frames removed", () -> streamsJson().getJsonObject("totals")
        .getLong("removed_on_disconnect") == removedBefore + 3);
    assertEquals(0, gateway.models().resolve(SLOW, "").orElseThrow().queue().size());
    // A call now runs alone: the stream's frames did not stay behind to share its batch.
    try (GatewayClient grpc = new GatewayClient(vertx, "localhost", gateway.port())) {
      ClassifyResponse r = grpc.classify(classify(SLOW, 5)).await(30, TimeUnit.SECONDS);
      assertEquals(1, r.getTiming().getBatchSize());
      assertEquals(reference[5], r.getPredictions(0).getIndex());
    }
    assertEquals(okBefore, streamsJson().getJsonObject("totals").getLong("ok"),
        "no frame of the closed stream was answered ok");
    assertTrue(stream.replies.isEmpty(), "nothing was answered before the disconnect");
  }

  @Test
  void grpcCallsShareBatchesWithStreamsAndStayCorrect() throws Exception {
    List<RecordingStream> streams = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      streams.add(open(LENET, "policy=all"));
    }
    for (int i = 0; i < FRAMES; i++) {
      for (int s = 0; s < streams.size(); s++) {
        streams.get(s).client.sendFrame(pngs[s * FRAMES + i]);
      }
    }
    // One gRPC call at a time: a batch bigger than 1 must hold stream frames too.
    int calls = 0;
    int mixed = 0;
    try (GatewayClient grpc = new GatewayClient(vertx, "localhost", gateway.port())) {
      while (streams.get(0).frames().size() < FRAMES || calls < 20) {
        int image = 5000 + calls;
        ClassifyResponse r = grpc.classify(classify(LENET, image)).await(30, TimeUnit.SECONDS);
        assertEquals(reference[image], r.getPredictions(0).getIndex(), "gRPC image " + image);
        calls++;
        mixed += r.getTiming().getBatchSize() > 1 ? 1 : 0;
        if (calls > 2000) {
          break;
        }
      }
    }
    assertTrue(mixed >= 1, "no gRPC call shared a batch with stream frames (" + calls + " calls)");
    for (int s = 0; s < streams.size(); s++) {
      streams.get(s).awaitFrameReplies(FRAMES);
      assertOrderedAndCorrect(streams.get(s).frames(), FRAMES, s * FRAMES);
      assertEquals(FRAMES, count(streams.get(s).frames(), "ok"));
    }
    for (RecordingStream stream : streams) {
      stream.client.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void handshakeRefusesUnknownModelsAndBadParameters() throws Exception {
    assertEquals(404, handshakeStatus("/v1/models/no-such-model/stream"));
    assertEquals(404, handshakeStatus("/v1/models/" + LENET + "/stream?version=999"));
    assertEquals(400, handshakeStatus("/v1/models/" + LENET + "/stream?policy=sometimes"));
    assertEquals(400, handshakeStatus("/v1/models/" + LENET + "/stream?top_k=0"));
    assertEquals(400, handshakeStatus("/v1/models/" + LENET + "/stream?top_k=five"));
    assertEquals(400, handshakeStatus("/v1/models/" + LENET + "/stream?polcy=all"));
    assertEquals(400, handshakeStatus("/v1/models/" + LENET + "/stream?policy=all&policy=all"));
    // A pinned version that exists is accepted.
    String version = gateway.models().resolve(LENET, "").orElseThrow().version();
    RecordingStream pinned = open(LENET, "version=" + version);
    pinned.client.sendFrame(pngs[9]);
    pinned.awaitFrameReplies(1);
    assertEquals(version, pinned.frames().get(0).json().getString("version"));
    pinned.client.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aFrameAboveTheHardCapClosesTheSocketWith1009() throws Exception {
    try (RawWebSocket raw = new RawWebSocket(gateway.port(), "/v1/models/" + LENET + "/stream")) {
      // The header announces one byte more than the cap: refused before any payload is held.
      raw.sendFrameStart(StreamConfig.DEFAULT.maxFrameBytes() + 1L, 1000);
      RawWebSocket.Frame close = raw.readFrame();
      assertEquals(0x8, close.opcode(), "a close frame");
      assertEquals(1009, close.closeCode());
      assertTrue(close.closeReason().contains("hard cap of " + StreamConfig.DEFAULT.maxFrameBytes()),
          close.closeReason());
    }
    // The gateway still serves other streams.
    RecordingStream next = open(LENET, "");
    next.client.sendFrame(pngs[12]);
    next.awaitFrameReplies(1);
    assertEquals(reference[12], next.frames().get(0).topIndex());
    next.client.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void modelsRouteListsServedModelsWithTheirStreamPath() throws Exception {
    JsonObject body = http.request(HttpMethod.GET, gateway.port(), "localhost", "/v1/models")
        .compose(req -> req.send().compose(HttpClientResponse::body))
        .map(Buffer::toJsonObject)
        .await(30, TimeUnit.SECONDS);
    JsonObject lenet = body.getJsonArray("models").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("name").equals(LENET)).findFirst().orElseThrow();
    assertEquals("READY", lenet.getString("state"));
    assertEquals(10, lenet.getInteger("num_classes"));
    assertEquals("/v1/models/" + LENET + "/stream", lenet.getString("stream"));
  }

  private static int handshakeStatus(String uri) throws Exception {
    try {
      ws.connect(new WebSocketConnectOptions().setHost("localhost").setPort(gateway.port())
          .setURI(uri)).await(30, TimeUnit.SECONDS).close();
      return 101;
    } catch (io.vertx.core.http.UpgradeRejectedException e) {
      return e.getStatus();
    }
  }

  private static ClassifyRequest classify(String model, int image) {
    return ClassifyRequest.newBuilder().setModel(model)
        .setImage(ByteString.copyFrom(data.png(image))).build();
  }
}
