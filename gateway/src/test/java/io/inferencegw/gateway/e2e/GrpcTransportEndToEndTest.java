package io.inferencegw.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.batching.ModelQueue;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.inferencegw.proto.v1.ListModelsRequest;
import io.inferencegw.proto.v1.ListModelsResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gRPC transport of every call on the client port, through the real gateway with raw
 * HTTP/2: compression (gzip within the limit works; a gzip bomb stops at the limit; other
 * encodings are UNIMPLEMENTED), framing (every malformed body gets a status with a message),
 * one request message per unary call, and deadlines down to the nanosecond unit. While each
 * hostile call runs, a normal Classify on another connection gets the right answer.
 */
// Runs with no other test class beside it (see the gateway pom): it attacks the gateway and
// asserts that other clients are served meanwhile.
@Tag("alone")
@ExtendWith(VertxExtension.class)
class GrpcTransportEndToEndTest {

  private static final String CLASSIFY = "gateway.v1.Classifier/Classify";
  private static final String LIST_MODELS = "gateway.v1.Classifier/ListModels";
  private static final String LENET = "fashion-lenet";
  /** Holds requests for a second unless 64 arrive: anything admitted is still queued after. */
  private static final String SLOW = "slow-lenet";
  private static final long LIMIT = InputLimits.DEFAULT.maxMessageBytes();

  private static Gateway gateway;
  private static GatewayClient client;
  private static RawGrpcClient raw;
  private static FashionMnist data;
  private static int[] reference;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    data = FashionLenetReference.requireTestSet();
    reference = FashionLenetReference.predictions(data);
    gateway =
        Gateway.start(
                vertx,
                TestGateways.withModels(
                    TestGateways.lenetAs(SLOW, new BatchingConfig(64, 1_000_000, 4))))
            .await(60, TimeUnit.SECONDS);
    client = new GatewayClient(vertx, "localhost", gateway.port());
    raw = new RawGrpcClient(vertx, gateway.port());
  }

  @AfterAll
  static void stop() throws Exception {
    if (raw != null) {
      raw.close();
    }
    TestGateways.close(client, gateway);
  }

  private static byte[] classifyRequest(String model, int image) {
    return ClassifyRequest.newBuilder()
        .setModel(model)
        .setImage(ByteString.copyFrom(data.png(image)))
        .build()
        .toByteArray();
  }

  private static ModelQueue slowQueue() {
    return gateway.models().resolve(SLOW, "").orElseThrow().queue();
  }

  /**
   * Sends the hostile call and, while it runs, a normal Classify of {@code image} on the
   * regular client's own connection, which must get the offline prediction.
   */
  private static RawGrpcClient.Answer whileServing(
      int image, String method, Map<String, String> headers, List<Buffer> chunks, boolean end)
      throws Exception {
    Future<RawGrpcClient.Answer> hostile = raw.send(method, headers, chunks, end);
    ClassifyResponse normal =
        client.classify(ClassifyRequest.parseFrom(classifyRequest(LENET, image)))
            .await(30, TimeUnit.SECONDS);
    assertEquals(reference[image], normal.getPredictions(0).getIndex(), "the concurrent call");
    RawGrpcClient.Answer answer = hostile.await(30, TimeUnit.SECONDS);
    assertFalse(answer.isReset(), "answered with a status, not a reset: " + answer);
    return answer;
  }

  private static void assertStatus(String status, String messagePart, RawGrpcClient.Answer a) {
    assertEquals(status, a.status(), a.toString());
    assertTrue(a.message() != null && a.message().contains(messagePart), a.toString());
  }

  @Test
  void gzipMessageWithinTheLimitIsClassified() throws Exception {
    byte[] compressed = RawGrpcClient.gzip(classifyRequest(LENET, 21));
    RawGrpcClient.Answer a = whileServing(22, CLASSIFY, Map.of("grpc-encoding", "gzip"),
        List.of(RawGrpcClient.frame(true, compressed)), true);
    assertEquals("0", a.status(), a.toString());
    ClassifyResponse r = ClassifyResponse.parseFrom(a.payload().getBytes());
    assertEquals(reference[21], r.getPredictions(0).getIndex());
  }

  @Test
  void gzipBombStopsAtTheMessageLimit() throws Exception {
    byte[] bomb = RawGrpcClient.gzipBomb(LENET, 1024);
    assertTrue(bomb.length < LIMIT, "the compressed bomb itself is within the limit");
    RawGrpcClient.Answer a = whileServing(23, CLASSIFY, Map.of("grpc-encoding", "gzip"),
        List.of(RawGrpcClient.frame(true, bomb)), true);
    assertStatus("3", "limit of " + LIMIT + " bytes", a);
  }

  @Test
  void unsupportedEncodingsAreUnimplementedAndGzipIsAdvertised() throws Exception {
    byte[] plain = classifyRequest(LENET, 24);
    for (String encoding : List.of("deflate", "snappy")) {
      RawGrpcClient.Answer a = whileServing(24, CLASSIFY, Map.of("grpc-encoding", encoding),
          List.of(RawGrpcClient.frame(true, plain)), true);
      assertStatus("12", "grpc-encoding " + encoding + " is not supported", a);
      assertTrue(a.headers().get("grpc-accept-encoding").contains("gzip"), a.headers().toString());
    }
  }

  @Test
  void compressedFlagWithoutEncodingIsInternal() throws Exception {
    RawGrpcClient.Answer a = whileServing(25, CLASSIFY, Map.of(),
        List.of(RawGrpcClient.frame(true, RawGrpcClient.gzip(classifyRequest(LENET, 25)))), true);
    assertStatus("13", "no grpc-encoding", a);
  }

  @Test
  void bodiesThatEndInsideAMessageAreInternal() throws Exception {
    RawGrpcClient.Answer prefix = whileServing(26, CLASSIFY, Map.of(),
        List.of(Buffer.buffer(new byte[] {0, 0, 0})), true);
    assertStatus("13", "3 of its 5 bytes", prefix);
    Buffer whole = RawGrpcClient.frame(false, classifyRequest(LENET, 26));
    RawGrpcClient.Answer cut = whileServing(27, CLASSIFY, Map.of(),
        List.of(whole.getBuffer(0, whole.length() - 10)), true);
    assertStatus("13", "in the middle of a message", cut);
  }

  @Test
  void emptyBodyIsHalfClosedWithoutARequest() throws Exception {
    assertStatus("13", "Half-closed without a request",
        whileServing(28, CLASSIFY, Map.of(), List.of(), true));
  }

  @Test
  void randomBytesGetAStatusWithAMessage() throws Exception {
    Random random = new Random(7);
    for (int i = 0; i < 20; i++) {
      byte[] junk = new byte[1 + random.nextInt(4000)];
      random.nextBytes(junk);
      RawGrpcClient.Answer a =
          whileServing(30 + i, CLASSIFY, Map.of(), List.of(Buffer.buffer(junk)), true);
      assertTrue(List.of("3", "13").contains(a.status()) && a.message() != null, a.toString());
    }
  }

  @Test
  void undecodableMessageIsInternalWithTheParserReason() throws Exception {
    byte[] junk = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    RawGrpcClient.Answer a = whileServing(51, CLASSIFY, Map.of(),
        List.of(RawGrpcClient.frame(false, junk)), true);
    assertStatus("13", "not a valid gateway.v1.ClassifyRequest", a);
  }

  @Test
  void oversizedMessageIsRefusedAtItsPrefix() throws Exception {
    // Only the prefix is sent and the stream stays open: the answer cannot wait for the payload.
    Buffer prefix = Buffer.buffer().appendByte((byte) 0).appendInt(Integer.MAX_VALUE);
    RawGrpcClient.Answer a = whileServing(52, CLASSIFY, Map.of(), List.of(prefix), false);
    assertStatus("3", "larger than the limit of " + LIMIT + " bytes", a);
  }

  @Test
  void moreThanOneMessageInAUnaryCallIsRefusedAndNothingIsComputed() throws Exception {
    Buffer many = Buffer.buffer();
    for (int i = 0; i < 1000; i++) {
      many.appendBuffer(RawGrpcClient.frame(false, classifyRequest(SLOW, 53)));
    }
    RawGrpcClient.Answer a = whileServing(53, CLASSIFY, Map.of(), List.of(many), true);
    assertStatus("13", "Too many requests", a);
    assertEquals(0, slowQueue().size(), "no message of the refused call was admitted");
  }

  @Test
  void subMillisecondDeadlineIsADeadline() throws Exception {
    // The request never completes: the deadline alone must answer it.
    assertStatus("4", "grpc-timeout 500u",
        whileServing(54, CLASSIFY, Map.of("grpc-timeout", "500u"), List.of(), false));
    // A complete request for the slow model: it expires in its queue (or before admission).
    RawGrpcClient.Answer queued = whileServing(55, CLASSIFY, Map.of("grpc-timeout", "500u"),
        List.of(RawGrpcClient.frame(false, classifyRequest(SLOW, 55))), true);
    assertEquals("4", queued.status(), queued.toString());
    assertEquals(0, slowQueue().size(), "the expired request left the queue");
  }

  @Test
  void passedDeadlineIsDeadlineExceededWithoutComputing() throws Exception {
    long expiredBefore = slowQueue().expiredBeforeCompute();
    RawGrpcClient.Answer a = whileServing(56, CLASSIFY, Map.of("grpc-timeout", "0n"),
        List.of(RawGrpcClient.frame(false, classifyRequest(SLOW, 56))), true);
    assertStatus("4", "grpc-timeout 0n", a);
    assertEquals(0, slowQueue().size(), "never admitted");
    assertEquals(expiredBefore, slowQueue().expiredBeforeCompute());
  }

  @Test
  void malformedTimeoutIsInternal() throws Exception {
    for (String timeout : List.of("5x", "123456789S", "-1m", "")) {
      RawGrpcClient.Answer a = whileServing(57, CLASSIFY, Map.of("grpc-timeout", timeout),
          List.of(RawGrpcClient.frame(false, classifyRequest(LENET, 57))), true);
      assertStatus("13", "malformed grpc-timeout", a);
    }
  }

  @Test
  void listModelsGetsTheSameTransportChecks() throws Exception {
    byte[] request = ListModelsRequest.getDefaultInstance().toByteArray();
    RawGrpcClient.Answer gzip = whileServing(58, LIST_MODELS, Map.of("grpc-encoding", "gzip"),
        List.of(RawGrpcClient.frame(true, RawGrpcClient.gzip(request))), true);
    assertEquals("0", gzip.status(), gzip.toString());
    assertTrue(ListModelsResponse.parseFrom(gzip.payload().getBytes()).getModelsList().stream()
        .anyMatch(m -> m.getName().equals(LENET)));
    Buffer two = RawGrpcClient.frame(false, request).appendBuffer(RawGrpcClient.frame(false, request));
    assertStatus("13", "Too many requests", whileServing(59, LIST_MODELS, Map.of(), List.of(two), true));
    assertStatus("12", "grpc-encoding deflate",
        whileServing(60, LIST_MODELS, Map.of("grpc-encoding", "deflate"), List.of(), true));
    assertStatus("13", "Half-closed without a request",
        whileServing(61, LIST_MODELS, Map.of(), List.of(), true));
  }

  @Test
  void otherGrpcFlavoursAreUnsupportedMediaType() throws Exception {
    for (String type : List.of("application/grpc+json", "application/grpc-web", "application/grpc-web-text")) {
      RawGrpcClient.Answer a = whileServing(63, CLASSIFY, Map.of("content-type", type),
          List.of(RawGrpcClient.frame(false, classifyRequest(LENET, 63))), true);
      assertEquals(415, a.httpStatus(), type + ": " + a);
    }
  }

  @Test
  void unknownMethodIsUnimplemented() throws Exception {
    assertStatus("12", "gateway.v1.Classifier/NoSuchMethod", whileServing(62,
        "gateway.v1.Classifier/NoSuchMethod", Map.of(), List.of(RawGrpcClient.frame(false, new byte[0])), true));
  }
}
