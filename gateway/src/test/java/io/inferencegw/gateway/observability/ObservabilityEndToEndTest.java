package io.inferencegw.gateway.observability;

import io.inferencegw.gateway.e2e.FashionLenetReference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.FrameStreamClient;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.client.OipClient;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Prerequisites;
import io.inferencegw.proto.oip.GRPCInferenceServiceGrpcClient;
import io.inferencegw.proto.oip.ModelInferRequest;
import io.inferencegw.gateway.config.AccessLogConfig;
import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.proto.v1.ClassifierGrpcClient;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics, request ids and the access log through the real gateway: after a known number of
 * calls of each outcome, /metrics counts and times exactly those, its text passes promtool, and
 * each call has its id in its answer and one access log line.
 */
@ExtendWith(VertxExtension.class)
class ObservabilityEndToEndTest {

  /** Only the metrics test calls it, so its counts are exactly that test's calls. */
  private static final String METERED = "metered-lenet";
  private static final String OIP_MODEL = "fashion-lenet";
  /** Holds requests for a second unless 64 arrive: lets the test fill its queue. */
  private static final String SLOW = "slow-lenet";
  private static final int SLOW_CAPACITY = 4;

  @TempDir
  static Path dir;
  private static Path accessLog;
  private static Gateway gateway;
  private static GatewayClient client;
  private static FashionMnist data;
  /** HTTP/1.1 (no h2c upgrade) and a bound on every exchange, so that a lost answer fails fast. */
  private static final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  private static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(30);

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    data = FashionLenetReference.requireTestSet();
    accessLog = dir.resolve("logs/access.jsonl");
    gateway = Gateway.start(vertx,
            TestGateways.withModels(
                    TestGateways.lenetAs(METERED, new BatchingConfig(8, 2_000, 64)),
                    TestGateways.lenetAs(SLOW, new BatchingConfig(64, 1_000_000, SLOW_CAPACITY)))
                .withAccessLog(AccessLogConfig.DEFAULT.withPath(accessLog)))
        .await(60, TimeUnit.SECONDS);
    client = new GatewayClient(vertx, "localhost", gateway.port());
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.close(client, gateway);
  }

  private static ClassifyRequest png(String model, int i) {
    return ClassifyRequest.newBuilder()
        .setModel(model)
        .setImage(ByteString.copyFrom(data.png(i)))
        .build();
  }

  static String scrape(int port) throws Exception {
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(EXCHANGE_TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"),
        "content type " + r.headers().firstValue("content-type"));
    return r.body();
  }

  private static GrpcStatus statusOf(Future<?> call) throws Exception {
    try {
      call.await(30, TimeUnit.SECONDS);
    } catch (GatewayClient.CallFailed e) {
      return e.status();
    }
    throw new AssertionError("call succeeded but an error status was expected");
  }

  @Test
  void eachOutcomeIsCountedAndTimedPerApiModelAndVersion() throws Exception {
    int ok = 5;
    int invalid = 3;
    int notFound = 2;
    // Other tests call unknown models too: this one counts its own.
    double notFoundBefore = MetricsText.sum(scrape(gateway.port()), "gateway_requests_total",
        "model", "", "outcome", "not_found");
    String version = null;
    for (int i = 0; i < ok; i++) {
      ClassifyResponse r = client.classify(png(METERED, i)).await(30, TimeUnit.SECONDS);
      version = r.getVersion();
    }
    for (int i = 0; i < invalid; i++) {
      ClassifyRequest bad = ClassifyRequest.newBuilder().setModel(METERED)
          .setImage(ByteString.copyFromUtf8("not an image " + i)).build();
      assertEquals(GrpcStatus.INVALID_ARGUMENT, statusOf(client.classify(bad)));
    }
    for (int i = 0; i < notFound; i++) {
      assertEquals(GrpcStatus.NOT_FOUND, statusOf(client.classify(png("no-such-model", i))));
    }
    // Fill the slow model's queue (it runs nothing for a second), then one more is refused.
    var slowQueue = gateway.models().resolve(SLOW, "").orElseThrow().queue();
    List<Future<ClassifyResponse>> queued = new ArrayList<>();
    for (int i = 0; i < SLOW_CAPACITY; i++) {
      queued.add(client.classify(png(SLOW, 20 + i)));
    }
    Await.until("the slow queue to fill", () -> slowQueue.size() == SLOW_CAPACITY);
    String whileFull = scrape(gateway.port());
    assertEquals(SLOW_CAPACITY, MetricsText.sum(whileFull, "gateway_queue_depth", "model", SLOW));
    assertEquals(SLOW_CAPACITY,
        MetricsText.sum(whileFull, "gateway_requests_in_flight", "model", SLOW));
    assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, statusOf(client.classify(png(SLOW, 30))));
    for (Future<ClassifyResponse> q : queued) {
      q.await(30, TimeUnit.SECONDS);
    }

    String text = scrape(gateway.port());
    String requests = "gateway_requests_total";
    assertEquals(ok, MetricsText.sum(text, requests, "api", "classify", "model", METERED,
        "version", version, "outcome", "ok"));
    assertEquals(invalid, MetricsText.sum(text, requests, "api", "classify", "model", METERED,
        "version", version, "outcome", "invalid_argument"));
    // An unknown model's name is not a label value: clients cannot grow the series.
    assertEquals(notFound, MetricsText.sum(text, requests, "model", "", "outcome", "not_found")
        - notFoundBefore);
    assertEquals(0, MetricsText.sum(text, requests, "model", "no-such-model"));
    assertEquals(1, MetricsText.sum(text, requests, "model", SLOW, "outcome",
        "resource_exhausted"));
    assertEquals(SLOW_CAPACITY, MetricsText.sum(text, requests, "model", SLOW, "outcome", "ok"));

    assertEquals(ok + invalid, MetricsText.sum(text, "gateway_request_duration_seconds_count",
        "api", "classify", "model", METERED, "version", version));
    assertEquals(ok + invalid, MetricsText.sum(text, "gateway_request_duration_seconds_bucket",
        "model", METERED, "le", "+Inf"));
    assertEquals(ok, MetricsText.sum(text, "gateway_request_queue_seconds_count",
        "model", METERED));
    assertEquals(ok, MetricsText.sum(text, "gateway_request_compute_seconds_count",
        "model", METERED));
    // Undecodable bytes are refused at admission: only the good requests reached a batch.
    double executions = MetricsText.sum(text, "gateway_batch_executions_total", "model", METERED);
    assertEquals(ok, MetricsText.sum(text, "gateway_inferences_total", "model", METERED));
    assertEquals(ok, MetricsText.sum(text, "gateway_batch_size_sum", "model", METERED));
    assertEquals(executions, MetricsText.sum(text, "gateway_batch_size_count", "model", METERED));
    assertTrue(executions >= 1 && executions <= ok, "executions " + executions);
    assertTrue(MetricsText.sum(text, "gateway_replica_busy_seconds_total", "model", METERED,
        "device", "cpu") > 0);
    assertEquals(0, MetricsText.sum(text, "gateway_queue_depth", "model", SLOW));
    assertEquals(0, MetricsText.sum(text, "gateway_requests_in_flight", "model", METERED));
    assertTrue(MetricsText.sum(text, "gateway_plugin_loads_total") >= 1);
    assertTrue(MetricsText.sum(text, "process_resident_memory_bytes") > 0);
    assertTrue(MetricsText.sum(text, "jvm_memory_used_bytes", "area", "heap") > 0);
    assertTrue(MetricsText.has(text, "gateway_stream_frames_total"));
    assertTrue(MetricsText.has(text, "gateway_streams_active"));
  }

  @Test
  void scrapedTextPassesPromtool() throws Exception {
    String promtool = Prerequisites.executable("promtool", "prometheus");
    client.classify(png("fashion-lenet", 1)).await(30, TimeUnit.SECONDS);
    statusOf(client.classify(png("no-such-model", 1)));
    Path file = dir.resolve("scrape.txt");
    Files.writeString(file, scrape(gateway.port()));
    Process p = new ProcessBuilder(promtool, "check", "metrics")
        .redirectInput(file.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
    assertEquals(0, p.exitValue(), "promtool check metrics:\n" + out);
  }

  /** A raw call, to see the response's headers. */
  private record Answer(GrpcStatus status, String message, String headerId, String fieldId) {}

  private static Answer rawCall(Vertx vertx, ClassifyRequest req, String headerId)
      throws Exception {
    GrpcClient grpc = GrpcClient.client(vertx);
    try {
      GrpcClientRequest<ClassifyRequest, ClassifyResponse> call =
          grpc.request(SocketAddress.inetSocketAddress(gateway.port(), "localhost"),
              ClassifierGrpcClient.Classify).await(10, TimeUnit.SECONDS);
      if (headerId != null) {
        call.headers().set(RequestIds.HEADER, headerId);
      }
      call.end(req);
      GrpcClientResponse<ClassifyRequest, ClassifyResponse> resp =
          call.response().await(30, TimeUnit.SECONDS);
      ClassifyResponse body = resp.last().otherwiseEmpty().await(30, TimeUnit.SECONDS);
      String header = resp.headers().get(RequestIds.HEADER);
      if (header == null) {
        header = resp.trailers().get(RequestIds.HEADER);
      }
      return new Answer(resp.status(), resp.statusMessage(), header,
          body == null ? null : body.getRequestId());
    } finally {
      grpc.close();
    }
  }

  @Test
  void requestIdComesFromTheMessageElseTheHeaderElseIsMadeUp(Vertx vertx) throws Exception {
    Answer fromMessage = rawCall(vertx,
        png("fashion-lenet", 2).toBuilder().setRequestId("msg-42").build(), "hdr-ignored");
    assertEquals(GrpcStatus.OK, fromMessage.status());
    assertEquals("msg-42", fromMessage.fieldId());
    assertEquals("msg-42", fromMessage.headerId());

    Answer fromHeader = rawCall(vertx, png("fashion-lenet", 3), "hdr-7");
    assertEquals("hdr-7", fromHeader.fieldId());
    assertEquals("hdr-7", fromHeader.headerId());

    Answer madeUp = rawCall(vertx, png("fashion-lenet", 4), null);
    assertTrue(madeUp.fieldId().matches("[0-9a-f-]{36}"), madeUp.fieldId());
    assertEquals(madeUp.fieldId(), madeUp.headerId());

    // An error answer carries the id too.
    Answer notFound = rawCall(vertx, png("no-such-model", 4), "hdr-404");
    assertEquals(GrpcStatus.NOT_FOUND, notFound.status());
    assertEquals("hdr-404", notFound.headerId());
  }

  @Test
  void anUnusableRequestIdIsInvalidArgumentAndOthersAreServed(Vertx vertx) throws Exception {
    Future<ClassifyResponse> bystander = client.classify(png("fashion-lenet", 5));
    Answer tooLong = rawCall(vertx,
        png("fashion-lenet", 6).toBuilder().setRequestId("x".repeat(129)).build(), null);
    assertEquals(GrpcStatus.INVALID_ARGUMENT, tooLong.status());
    assertTrue(tooLong.message().contains("request id must be 1 to 128 visible ASCII"),
        tooLong.message());
    Answer control = rawCall(vertx,
        png("fashion-lenet", 6).toBuilder().setRequestId("tab\there").build(), null);
    assertEquals(GrpcStatus.INVALID_ARGUMENT, control.status());
    assertEquals(5, bystander.await(30, TimeUnit.SECONDS).getPredictionsCount());
  }

  @Test
  void accessLogHasOneJsonLinePerAnsweredRequest() throws Exception {
    client.classify(png("fashion-lenet", 8).toBuilder().setRequestId("log-ok").build())
        .await(30, TimeUnit.SECONDS);
    statusOf(client.classify(png("no-such-model", 8).toBuilder().setRequestId("log-missing")
        .build()));
    Map<String, JsonObject> lines = awaitLines(List.of("log-ok", "log-missing"));
    JsonObject ok = lines.get("log-ok");
    assertEquals("classify", ok.getString("api"));
    assertEquals("fashion-lenet", ok.getString("model"));
    assertEquals("ok", ok.getString("status"));
    assertTrue(ok.getLong("queue_us") >= 0 && ok.getLong("compute_us") > 0, ok.encode());
    assertTrue(ok.getLong("total_us") >= ok.getLong("compute_us"), ok.encode());
    assertTrue(ok.getString("time").endsWith("Z"), ok.encode());
    JsonObject missing = lines.get("log-missing");
    assertEquals("no-such-model", missing.getString("model"));
    assertEquals("not_found", missing.getString("status"));
    assertEquals(-1, missing.getLong("compute_us"));
  }

  /** The access log's lines for these ids, once all are written. */
  private static Map<String, JsonObject> awaitLines(List<String> ids) {
    return Await.value("access log lines for " + ids, () -> accessLogLines().stream()
        .filter(j -> ids.contains(j.getString("request_id")))
        .collect(Collectors.toMap(j -> j.getString("request_id"), Function.identity(),
            (a, b) -> {
              throw new AssertionError("two lines for " + a.getString("request_id"));
            })), found -> found.size() == ids.size());
  }

  /** The access log's complete lines so far (a line being written is not one yet). */
  private static List<JsonObject> accessLogLines() throws IOException {
    if (!Files.exists(accessLog)) {
      return List.of();
    }
    String text = Files.readString(accessLog);
    return text.substring(0, text.lastIndexOf('\n') + 1).lines().map(JsonObject::new).toList();
  }

  /**
   * OIP infer requests are counted once per request, by transport, however many samples (on the
   * bundled model, so that the other tests' counts of their models stay their own).
   */
  @Test
  void oipRequestsAreCountedPerTransport(Vertx vertx) throws Exception {
    String before = scrape(gateway.port());
    String requests = "gateway_requests_total";
    try (OipClient oip = new OipClient(vertx, "localhost", gateway.port())) {
      for (int i = 0; i < 2; i++) {
        ModelInferRequest infer = ModelInferRequest.newBuilder().setModelName(OIP_MODEL)
            .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("pixels")
                .setDatatype("UINT8").addShape(2).addShape(28).addShape(28).addShape(1))
            .addRawInputContents(ByteString.copyFrom(new byte[2 * 784]))
            .build();
        oip.call(GRPCInferenceServiceGrpcClient.ModelInfer, infer, 0).await(30, TimeUnit.SECONDS);
      }
    }
    String body = "{\"inputs\": [{\"name\": \"pixels\", \"datatype\": \"UINT8\", "
        + "\"shape\": [1, 28, 28, 1], \"data\": [" + "0,".repeat(783) + "0]}]}";
    assertEquals(200, post("/v2/models/" + OIP_MODEL + "/infer", body));
    assertEquals(404, post("/v2/models/no-such-model/infer", body));
    String after = scrape(gateway.port());
    assertEquals(2, delta(before, after, requests, "api", "oip_grpc", "model", OIP_MODEL,
        "outcome", "ok"), "two gRPC requests of two samples each");
    assertEquals(1, delta(before, after, requests, "api", "oip_rest", "model", OIP_MODEL,
        "outcome", "ok"));
    assertEquals(1, delta(before, after, requests, "api", "oip_rest", "model", "",
        "outcome", "not_found"));
  }

  /**
   * Every binary frame of a stream is a request of api {@code stream}: its outcome counted, its
   * line in the access log under the stream's id and the frame's seq.
   */
  @Test
  void streamFramesAreCountedAndLogged(Vertx vertx) throws Exception {
    String before = scrape(gateway.port());
    LinkedBlockingQueue<FrameStreamClient.Reply> replies = new LinkedBlockingQueue<>();
    WebSocketClient ws = vertx.createWebSocketClient();
    FrameStreamClient stream = FrameStreamClient.connect(ws, "localhost", gateway.port(),
        OIP_MODEL, "policy=all", replies::add).await(30, TimeUnit.SECONDS);
    int good = 3;
    for (int i = 0; i < good; i++) {
      stream.sendFrame(data.png(40 + i));
    }
    stream.sendFrame("not an image".getBytes(StandardCharsets.UTF_8));
    List<String> statuses = new ArrayList<>();
    for (int i = 0; i < good + 1; i++) {
      FrameStreamClient.Reply reply = replies.poll(30, TimeUnit.SECONDS);
      assertTrue(reply != null, "reply " + i);
      statuses.add(reply.status());
    }
    stream.close().await(10, TimeUnit.SECONDS);
    ws.close();
    assertEquals(List.of("ok", "ok", "ok", "error"), statuses);
    String after = scrape(gateway.port());
    String requests = "gateway_requests_total";
    assertEquals(good, delta(before, after, requests, "api", "stream", "model", OIP_MODEL,
        "outcome", "ok"));
    // The bytes are refused where they are decoded, after routing: the model is known.
    assertEquals(1, delta(before, after, requests, "api", "stream", "model", OIP_MODEL,
        "outcome", "invalid_argument"));
    assertEquals(good + 1, delta(before, after, "gateway_request_duration_seconds_count",
        "api", "stream", "model", OIP_MODEL));
    List<JsonObject> lines = Await.value("four stream lines in the access log",
        () -> accessLogLines().stream().filter(j -> "stream".equals(j.getString("api"))).toList(),
        found -> found.size() == good + 1);
    String streamId = lines.get(0).getString("request_id").replaceAll("/\\d+$", "");
    assertTrue(streamId.matches("stream-\\d+"), lines.get(0).encode());
    for (JsonObject line : lines) {
      assertTrue(line.getString("request_id").startsWith(streamId + "/"), line.encode());
    }
    assertEquals(good, lines.stream().filter(j -> "ok".equals(j.getString("status"))).count());
  }

  private static double delta(String before, String after, String name, String... labels) {
    return MetricsText.sum(after, name, labels) - MetricsText.sum(before, name, labels);
  }

  private static int post(String path, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
            .header("Content-Type", "application/json").timeout(EXCHANGE_TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
