package io.inferencegw.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.inferencegw.gateway.e2e.FailedCalls.failure;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.inferencegw.proto.v1.Tensor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A request's failure is its own: hostile requests sent among many innocent ones, into a model
 * that fuses them into large batches, fail alone, and every innocent request gets its right
 * answer. Heavy images are decoded beside the worker and hold up nobody else.
 */
// Runs with no other test class beside it (see the gateway pom): it attacks the gateway and
// asserts that other clients are served meanwhile.
@Tag("alone")
@ExtendWith(VertxExtension.class)
class BatchIsolationEndToEndTest {

  /** Waits up to 20 ms for others to join a batch, so that hostile and innocent ones mix. */
  private static final String MODEL = "batching-lenet";

  private static Gateway gateway;
  private static GatewayClient client;
  private static FashionMnist data;
  private static int[] reference;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    data = FashionLenetReference.requireTestSet();
    reference = FashionLenetReference.predictions(data);
    gateway = Gateway.start(vertx, TestGateways.withModels(
            TestGateways.lenetAs(MODEL, new BatchingConfig(64, 20_000, 1024))))
        .await(60, TimeUnit.SECONDS);
    client = new GatewayClient(vertx, "localhost", gateway.port());
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.close(client, gateway);
  }

  private static ClassifyRequest png(int i) {
    return ClassifyRequest.newBuilder().setModel(MODEL)
        .setImage(ByteString.copyFrom(data.png(i))).build();
  }

  private static ClassifyRequest tensorFilledWith(float value) {
    ByteBuffer bytes = ByteBuffer.allocate(28 * 28 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 28 * 28; i++) {
      bytes.putFloat(i == 300 ? value : 0.5f);
    }
    return ClassifyRequest.newBuilder().setModel(MODEL)
        .setTensor(Tensor.newBuilder().addShape(1).addShape(28).addShape(28)
            .setData(ByteString.copyFrom(bytes.array())))
        .build();
  }


  @Test
  void hostileRequestsFailAloneAndEveryInnocentOneIsAnsweredRight() throws Exception {
    List<Future<ClassifyResponse>> innocent = new ArrayList<>();
    List<Future<ClassifyResponse>> nan = new ArrayList<>();
    List<Future<ClassifyResponse>> inf = new ArrayList<>();
    List<Future<ClassifyResponse>> corrupt = new ArrayList<>();
    List<Future<ClassifyResponse>> hugeTopK = new ArrayList<>();
    byte[] cut = data.png(5);
    cut = java.util.Arrays.copyOf(cut, cut.length / 2);
    for (int i = 0; i < 192; i++) {
      innocent.add(client.classify(png(i)));
      if (i % 16 == 0) {
        nan.add(client.classify(tensorFilledWith(Float.NaN)));
        inf.add(client.classify(tensorFilledWith(Float.NEGATIVE_INFINITY)));
        corrupt.add(client.classify(ClassifyRequest.newBuilder().setModel(MODEL)
            .setImage(ByteString.copyFrom(cut)).build()));
        // 4,000,000,000 as the uint32 it is on the wire
        hugeTopK.add(client.classify(png(i).toBuilder().setTopK((int) 4_000_000_000L).build()));
      }
    }
    int largestBatch = 0;
    for (int i = 0; i < innocent.size(); i++) {
      ClassifyResponse r = innocent.get(i).await(60, TimeUnit.SECONDS);
      assertEquals(reference[i], r.getPredictions(0).getIndex(), "innocent request " + i);
      largestBatch = Math.max(largestBatch, r.getTiming().getBatchSize());
    }
    assertTrue(largestBatch > 8, "requests were not batched together: " + largestBatch);
    for (Future<ClassifyResponse> call : nan) {
      GatewayClient.CallFailed e = failure(call);
      assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status());
      assertTrue(e.getMessage().contains("NaN or infinite values (first at element 300)"),
          e.getMessage());
    }
    for (Future<ClassifyResponse> call : inf) {
      assertEquals(GrpcStatus.INVALID_ARGUMENT, failure(call).status());
    }
    for (Future<ClassifyResponse> call : corrupt) {
      GatewayClient.CallFailed e = failure(call);
      assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status());
      assertTrue(e.getMessage().contains("corrupt or truncated"), e.getMessage());
    }
    for (Future<ClassifyResponse> call : hugeTopK) {
      assertEquals(10, call.await(60, TimeUnit.SECONDS).getPredictionsCount(),
          "a top_k above the class count is capped, not overflowed");
    }
  }

  /**
   * Heavy images (9 megapixels each, in the large lane) are sent first; light ones sent right
   * after are all answered before the last heavy one: no light request waited for the heavy
   * decodes, though they were admitted earlier into the same queue.
   */
  @Test
  void heavyImagesDoNotHoldUpLightOnes() throws Exception {
    byte[] heavy = gradientPng(3000, 3000);
    int heavyCount = 4;
    AtomicLong order = new AtomicLong();
    List<Future<Long>> heavyDone = new ArrayList<>();
    for (int i = 0; i < heavyCount; i++) {
      heavyDone.add(client.classify(ClassifyRequest.newBuilder().setModel(MODEL)
              .setImage(ByteString.copyFrom(heavy)).build())
          .map(r -> order.incrementAndGet()));
    }
    List<Future<Long>> lightDone = new ArrayList<>();
    List<Future<ClassifyResponse>> light = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      Future<ClassifyResponse> call = client.classify(png(300 + i));
      light.add(call);
      lightDone.add(call.map(r -> order.incrementAndGet()));
    }
    long lastLight = 0;
    for (int i = 0; i < light.size(); i++) {
      assertEquals(reference[300 + i],
          light.get(i).await(60, TimeUnit.SECONDS).getPredictions(0).getIndex());
      lastLight = Math.max(lastLight, lightDone.get(i).await(60, TimeUnit.SECONDS));
    }
    long lastHeavy = 0;
    for (Future<Long> h : heavyDone) {
      lastHeavy = Math.max(lastHeavy, h.await(120, TimeUnit.SECONDS));
    }
    assertTrue(lastLight < lastHeavy, "the last light answer (" + lastLight
        + ") came after every heavy one (" + lastHeavy + ")");
  }

  /** A smooth image compresses well: a large pixel count in a small message. */
  private static byte[] gradientPng(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        row[x] = ((x * 255 / width) << 16) | ((y * 255 / height) << 8) | 128;
      }
      image.setRGB(0, y, width, 1, row, 0, width);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
