package io.inferencegw.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.batching.ModelQueue;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.inferencegw.proto.v1.ListModelsResponse;
import io.inferencegw.proto.v1.Preprocess;
import io.inferencegw.proto.v1.RawImage;
import io.inferencegw.proto.v1.VariantInfo;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.inferencegw.proto.v1.ClassifierGrpcClient;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bundled Fashion-MNIST LeNet served through the real gateway over gRPC: correct answers
 * under concurrency and batching, the error statuses, and that the gateway keeps serving.
 */
@ExtendWith(VertxExtension.class)
class ClassifyEndToEndTest {

  /** Holds requests for a second unless 64 arrive: lets tests fill the queue or expire deadlines. */
  private static final String SLOW = "slow-lenet";

  private static final int SLOW_CAPACITY = 4;

  private static Gateway gateway;
  private static GatewayClient client;
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
                    TestGateways.lenetAs(SLOW, new BatchingConfig(64, 1_000_000, SLOW_CAPACITY))))
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
        .setRequestId("img-" + i)
        .build();
  }

  private static ClassifyResponse call(ClassifyRequest req) throws Exception {
    return client.classify(req).await(30, TimeUnit.SECONDS);
  }

  private static GrpcStatus statusOf(Future<?> call) throws Exception {
    try {
      call.await(30, TimeUnit.SECONDS);
    } catch (GatewayClient.CallFailed e) {
      return e.status();
    } catch (GrpcErrorException e) {
      return e.status();
    }
    throw new AssertionError("call succeeded but an error status was expected");
  }

  /** A valid call right after an error: the gateway keeps serving correctly. */
  private static void assertStillServes(int i) throws Exception {
    ClassifyResponse r = call(png("fashion-lenet", i));
    assertEquals(reference[i], r.getPredictions(0).getIndex(), "image " + i + " after an error");
  }

  @Test
  void concurrentCallsEachGetTheirOwnAnswerFromSharedBatches() throws Exception {
    List<Future<ClassifyResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      calls.add(client.classify(png("fashion-lenet", 100 + i)));
    }
    int largestBatch = 0;
    for (int i = 0; i < 64; i++) {
      ClassifyResponse r = calls.get(i).await(30, TimeUnit.SECONDS);
      assertEquals("img-" + (100 + i), r.getRequestId());
      assertEquals(reference[100 + i], r.getPredictions(0).getIndex(), "image " + (100 + i));
      assertEquals(5, r.getPredictionsCount());
      largestBatch = Math.max(largestBatch, r.getTiming().getBatchSize());
    }
    assertTrue(largestBatch > 1, "no batch larger than 1 formed: " + largestBatch);
  }

  @Test
  void responseCarriesSortedSoftmaxScoresLabelsAndLogits() throws Exception {
    ClassifyResponse r =
        call(png("fashion-lenet", 7).toBuilder().setTopK(100).setReturnLogits(true).build());
    assertEquals(10, r.getPredictionsCount(), "top_k is capped at the number of classes");
    assertEquals(10, r.getLogitsCount());
    float sum = 0;
    for (int i = 0; i < r.getPredictionsCount(); i++) {
      sum += r.getPredictions(i).getScore();
      if (i > 0) {
        assertTrue(r.getPredictions(i - 1).getScore() >= r.getPredictions(i).getScore());
      }
    }
    assertEquals(1.0, sum, 1e-4);
    int best = r.getPredictions(0).getIndex();
    for (float l : r.getLogitsList()) {
      assertTrue(r.getLogits(best) >= l, "the top prediction has the largest logit");
    }
    String[] labels = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
        "Sneaker", "Bag", "Ankle boot"};
    assertEquals(labels[best], r.getPredictions(0).getLabel());
    assertFalse(r.getVersion().isEmpty());
    assertEquals("fashion-lenet", r.getModel());
  }

  @Test
  void rawPixelsAndPngGiveTheSameAnswer() throws Exception {
    ClassifyRequest raw =
        ClassifyRequest.newBuilder()
            .setModel("fashion-lenet")
            .setRaw(RawImage.newBuilder().setWidth(28).setHeight(28).setChannels(1)
                .setPixels(ByteString.copyFrom(data.image(11))))
            .setReturnLogits(true)
            .build();
    ClassifyResponse fromRaw = call(raw);
    ClassifyResponse fromPng = call(png("fashion-lenet", 11).toBuilder().setReturnLogits(true).build());
    for (int c = 0; c < 10; c++) {
      assertEquals(fromPng.getLogits(c), fromRaw.getLogits(c), 1e-5);
    }
  }

  @Test
  void allTestImagesGiveTheOfflinePredictions() throws Exception {
    int window = 256;
    int correct = 0;
    int agree = 0;
    List<Future<ClassifyResponse>> inFlight = new ArrayList<>();
    for (int start = 0; start < data.count(); start += window) {
      inFlight.clear();
      int end = Math.min(data.count(), start + window);
      for (int i = start; i < end; i++) {
        inFlight.add(client.classify(png("fashion-lenet", i)));
      }
      for (int i = start; i < end; i++) {
        int predicted = inFlight.get(i - start).await(60, TimeUnit.SECONDS).getPredictions(0).getIndex();
        agree += predicted == reference[i] ? 1 : 0;
        correct += predicted == data.label(i) ? 1 : 0;
      }
    }
    int offlineCorrect = 0;
    for (int i = 0; i < data.count(); i++) {
      offlineCorrect += reference[i] == data.label(i) ? 1 : 0;
    }
    assertEquals(data.count(), agree, "served predictions that differ from the offline ones");
    assertEquals(offlineCorrect, correct);
    assertTrue(correct >= 0.89 * data.count(), "accuracy " + correct / (double) data.count());
  }

  @Test
  void unknownModelIsNotFound() throws Exception {
    assertEquals(GrpcStatus.NOT_FOUND, statusOf(client.classify(png("no-such-model", 0))));
    GatewayClient.CallFailed unknown = org.junit.jupiter.api.Assertions.assertThrows(
        GatewayClient.CallFailed.class, () -> call(png("no-such-model", 0)));
    assertTrue(unknown.getMessage().contains("no-such-model"), unknown.getMessage());
    assertEquals(
        GrpcStatus.NOT_FOUND,
        statusOf(client.classify(png("fashion-lenet", 0).toBuilder().setVersion("999").build())));
    assertStillServes(1);
  }

  @Test
  void badImagesAreInvalidArgument() throws Exception {
    ClassifyRequest empty =
        ClassifyRequest.newBuilder().setModel("fashion-lenet").setImage(ByteString.EMPTY).build();
    assertEquals(GrpcStatus.INVALID_ARGUMENT, statusOf(client.classify(empty)));
    GatewayClient.CallFailed emptyError = org.junit.jupiter.api.Assertions.assertThrows(
        GatewayClient.CallFailed.class, () -> call(empty));
    assertTrue(emptyError.getMessage().contains("image is empty"), emptyError.getMessage());
    assertStillServes(2);

    byte[] garbage = new byte[5000];
    new Random(1).nextBytes(garbage);
    assertEquals(GrpcStatus.INVALID_ARGUMENT, statusOf(client.classify(withImage(garbage))));
    assertStillServes(3);

    byte[] png = data.png(4);
    byte[] truncated = java.util.Arrays.copyOf(png, png.length / 2);
    assertEquals(GrpcStatus.INVALID_ARGUMENT, statusOf(client.classify(withImage(truncated))));
    assertStillServes(5);

    byte[] oversized = new byte[17 * 1024 * 1024];
    assertEquals(GrpcStatus.INVALID_ARGUMENT, statusOf(client.classify(withImage(oversized))));
    assertStillServes(6);

    byte[] beyondMessageLimit = new byte[24 * 1024 * 1024];
    assertEquals(GrpcStatus.INVALID_ARGUMENT, statusOf(client.classify(withImage(beyondMessageLimit))));
    assertStillServes(7);

    ClassifyRequest noInput = ClassifyRequest.newBuilder().setModel("fashion-lenet").build();
    assertEquals(GrpcStatus.INVALID_ARGUMENT, statusOf(client.classify(noInput)));
    ClassifyRequest wrongTensor =
        ClassifyRequest.newBuilder()
            .setModel("fashion-lenet")
            .setTensor(io.inferencegw.proto.v1.Tensor.newBuilder().addShape(3).addShape(28)
                .addShape(28).setData(ByteString.copyFrom(new byte[3 * 28 * 28 * 4])))
            .build();
    assertEquals(GrpcStatus.INVALID_ARGUMENT, statusOf(client.classify(wrongTensor)));
    assertStillServes(8);
  }

  @Test
  void bmpWithAnEmbeddedPngIsInvalidArgumentWhileOtherCallsAreServed() throws Exception {
    // A 1x1 BMP whose pixel data is said to be a PNG (compression 5) of 2 GiB - 1 bytes, which
    // claims 100000x100000: the JDK reader would allocate the 2 GiB (an OutOfMemoryError on a
    // worker thread) and decode the PNG at its own size. It must be refused as bad input.
    ByteArrayOutputStream bmp = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR), "bmp", bmp);
    byte[] hostile = Arrays.copyOf(bmp.toByteArray(), 54 + 24);
    ByteBuffer fields = ByteBuffer.wrap(hostile).order(ByteOrder.LITTLE_ENDIAN);
    fields.putInt(30, 5).putInt(34, Integer.MAX_VALUE);
    ByteBuffer.wrap(hostile, 54, 24)
        .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10})
        .putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII))
        .putInt(100_000).putInt(100_000);

    List<Future<ClassifyResponse>> others = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      others.add(client.classify(png("fashion-lenet", 20 + i)));
    }
    GatewayClient.CallFailed error = assertThrows(
        GatewayClient.CallFailed.class, () -> call(withImage(hostile)));
    assertEquals(GrpcStatus.INVALID_ARGUMENT, error.status());
    assertTrue(error.getMessage().contains("BMP with embedded PNG data (compression 5) is not"
        + " supported"), error.getMessage());
    for (int i = 0; i < 8; i++) {
      assertEquals(reference[20 + i],
          others.get(i).await(30, TimeUnit.SECONDS).getPredictions(0).getIndex(), "image " + i);
    }
    assertStillServes(28);
  }

  @Test
  void bmpWithAZeroColourMaskIsClassified() throws Exception {
    // A 16-bit BI_BITFIELDS BMP whose red mask is 0 (red has no bits) is odd but decodable:
    // it gets an answer, not INTERNAL from a division by the empty component's range.
    ByteArrayOutputStream bmp = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_USHORT_565_RGB), "bmp", bmp);
    byte[] noRed = bmp.toByteArray();
    ByteBuffer.wrap(noRed).order(ByteOrder.LITTLE_ENDIAN).putInt(54, 0);

    ClassifyResponse r = call(withImage(noRed));

    assertEquals(5, r.getPredictionsCount());
    assertStillServes(29);
  }

  private static ClassifyRequest withImage(byte[] bytes) {
    return ClassifyRequest.newBuilder().setModel("fashion-lenet").setImage(ByteString.copyFrom(bytes)).build();
  }

  @Test
  void fullQueueIsResourceExhaustedAndQueuedRequestsStillComplete() throws Exception {
    // One call more than the slow model's queue holds, sent together. The model takes its first
    // batch a second after the oldest request is ready, long after the gateway has admitted the
    // calls that arrive with it: the queue fills, and whichever call comes last is refused.
    List<Future<ClassifyResponse>> calls = new ArrayList<>();
    for (int i = 0; i <= SLOW_CAPACITY; i++) {
      calls.add(client.classify(png(SLOW, 20 + i)));
    }
    List<Integer> refused = new ArrayList<>();
    for (int i = 0; i <= SLOW_CAPACITY; i++) {
      try {
        ClassifyResponse r = calls.get(i).await(30, TimeUnit.SECONDS);
        assertEquals(reference[20 + i], r.getPredictions(0).getIndex(), "image " + (20 + i));
      } catch (GatewayClient.CallFailed e) {
        assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains("queue of model " + SLOW + " is full"),
            e.getMessage());
        refused.add(20 + i);
      }
    }
    assertEquals(1, refused.size(), "images refused: " + refused);
    assertStillServes(9);
  }

  @Test
  void expiredDeadlineIsDeadlineExceededAndNeverComputed() throws Exception {
    ModelQueue queue = gateway.models().resolve(SLOW, "").orElseThrow().queue();
    long expiredBefore = queue.expiredBeforeCompute();
    assertEquals(GrpcStatus.DEADLINE_EXCEEDED, statusOf(client.classify(png(SLOW, 40), 150)));
    assertEquals(0, queue.size(), "the expired request left the queue");
    // A batch that finds an expired request drops it and counts it; its timer removed it first.
    assertEquals(expiredBefore, queue.expiredBeforeCompute(),
        "removed by its timer when the deadline passed, not by a batch");
    assertStillServes(10);
  }

  @Test
  void aCancelledCallLeavesTheQueueBeforeItsBatchRuns(Vertx vertx) throws Exception {
    var queue = gateway.models().resolve(SLOW, "").orElseThrow().queue();
    double cancelledBefore = answered(SLOW, "cancelled");
    GrpcClient grpc = GrpcClient.client(vertx);
    try {
      GrpcClientRequest<ClassifyRequest, ClassifyResponse> call =
          grpc.request(SocketAddress.inetSocketAddress(gateway.port(), "localhost"),
              ClassifierGrpcClient.Classify).await(10, TimeUnit.SECONDS);
      call.end(png(SLOW, 50));
      Await.until("the call to be queued", () -> queue.size() == 1);
      call.cancel();
      // The gateway answers CANCELLED only for a call it took out of the queue; one that its
      // batch had already taken would be computed and answered ok.
      Await.until("the gateway to answer the call CANCELLED",
          () -> answered(SLOW, "cancelled") == cancelledBefore + 1);
      assertEquals(0, queue.size(), "the cancelled call left the queue");
    } finally {
      grpc.close();
    }
    assertStillServes(12);
  }

  /** Classify calls to {@code model} the gateway answered with {@code outcome}, so far. */
  private static double answered(String model, String outcome) {
    return gateway.metrics().registry().find("gateway.requests")
        .tags("api", "classify", "model", model, "outcome", outcome)
        .counters().stream().mapToDouble(Counter::count).sum();
  }

  @Test
  void listModelsShowsServedModelsAndTheCatalog() throws Exception {
    ListModelsResponse r = client.listModels().await(30, TimeUnit.SECONDS);
    assertTrue(r.getModelsList().stream().anyMatch(m -> m.getName().equals("fashion-lenet")
        && m.getState().equals("READY") && m.getDevicesList().contains("cpu")));
    VariantInfo lenet5 =
        r.getCatalogList().stream()
            .filter(v -> v.getFamily().equals("lenet") && v.getVariant().equals("lenet5"))
            .findFirst()
            .orElseThrow();
    assertEquals(61_706, lenet5.getParameters());
    assertEquals(List.of(1, 28, 28), lenet5.getInputShapeList());
    assertEquals(10, lenet5.getNumClasses());
    assertEquals("GRAYSCALE", lenet5.getPreprocess().getColor());
    assertEquals(28, lenet5.getPreprocess().getCropHeight());
    assertEquals("", lenet5.getInputNote());
    // the catalog says what Inception v3 expects: ImageNet normalisation from preprocessing,
    // resize 342 bilinear, crop 299, and a network that renormalises for itself
    VariantInfo v3 = r.getCatalogList().stream()
        .filter(v -> v.getVariant().equals("inception_v3")).findFirst().orElseThrow();
    assertEquals("inception", v3.getFamily());
    assertEquals(27_161_264, v3.getParameters());
    Preprocess p = v3.getPreprocess();
    assertEquals(List.of("RGB", 342, 299, 299, "BILINEAR"), List.of(p.getColor(),
        p.getResizeShorter(), p.getCropHeight(), p.getCropWidth(), p.getInterpolation()));
    assertEquals(List.of(0.485f, 0.456f, 0.406f), p.getMeanList());
    assertEquals(List.of(0.229f, 0.224f, 0.225f), p.getStdList());
    assertTrue(v3.getInputNote().contains("transform_input=True"), v3.getInputNote());
    VariantInfo v4 = r.getCatalogList().stream()
        .filter(v -> v.getVariant().equals("inception_v4")).findFirst().orElseThrow();
    assertEquals(List.of(0.5f, 0.5f, 0.5f), v4.getPreprocess().getMeanList());
    assertEquals("BICUBIC", v4.getPreprocess().getInterpolation());
  }
}
