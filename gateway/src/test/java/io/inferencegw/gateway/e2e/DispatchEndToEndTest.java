package io.inferencegw.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.proto.v1.BatchTiming;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.inferencegw.proto.v1.ModelInfo;
import io.inferencegw.proto.v1.ReplicaProfile;
import io.inferencegw.proto.v1.Timing;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dispatch policy and batch profile through the real gateway: each replica's profile in
 * ListModels, pinned batch sizes respected, two replicas sharing one queue, and the per-stage
 * times of an answer.
 */
@ExtendWith(VertxExtension.class)
class DispatchEndToEndTest {

  /** Two single-threaded replicas on one queue, with the batch size pinned to 4. */
  private static final String PAIR = "lenet-pair";

  private static Gateway gateway;
  private static GatewayClient client;
  private static FashionMnist data;
  private static int[] reference;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    data = FashionLenetReference.requireTestSet();
    reference = FashionLenetReference.predictions(data);
    gateway = Gateway.start(vertx, TestGateways.withModels(
            TestGateways.lenetAs(PAIR, BatchingConfig.DEFAULT.withPreferredBatchSizes(List.of(4)))
                .withPlacement(List.of("cpu"), 2).withIntraOpThreads(1)))
        .await(60, TimeUnit.SECONDS);
    client = new GatewayClient(vertx, "localhost", gateway.port());
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.close(client, gateway);
  }

  private static ModelInfo model(String name) throws Exception {
    return client.listModels().await(30, TimeUnit.SECONDS).getModelsList().stream()
        .filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
  }

  private static ClassifyRequest png(String model, int i) {
    return ClassifyRequest.newBuilder().setModel(model)
        .setImage(ByteString.copyFrom(data.png(i))).build();
  }

  @Test
  void listModelsReportsTheMeasuredProfileOfTheDefaultModel() throws Exception {
    ModelInfo lenet = model("fashion-lenet");
    assertEquals(1, lenet.getReplicasCount());
    ReplicaProfile replica = lenet.getReplicas(0);
    assertEquals("cpu", replica.getDevice());
    assertFalse(replica.getPinned());
    // LeNet's batches take far less than the 500 ms bound: every size up to 32 is measured
    assertEquals(List.of(1, 2, 4, 8, 16, 32),
        replica.getProfileList().stream().map(BatchTiming::getBatchSize).toList());
    for (BatchTiming t : replica.getProfileList()) {
      assertTrue(t.getForwardUs() > 0, "batch " + t.getBatchSize() + " took no time");
      assertEquals(t.getBatchSize() * 1e6 / t.getForwardUs(), t.getImagesPerSecond(),
          t.getImagesPerSecond() * 0.01, "images per second of batch " + t.getBatchSize());
    }
    // the preferred size is the largest measured size within 10 % of the most images per second
    double fastest = replica.getProfileList().stream()
        .mapToDouble(BatchTiming::getImagesPerSecond).max().orElseThrow();
    int preferred = replica.getProfileList().stream()
        .filter(t -> t.getImagesPerSecond() >= 0.9 * fastest)
        .mapToInt(BatchTiming::getBatchSize).max().orElseThrow();
    assertEquals(List.of(preferred), replica.getPreferredBatchSizesList());
  }

  @Test
  void pinnedSizesBoundEveryBatchAndBothReplicasShareTheQueue() throws Exception {
    ModelInfo pair = model(PAIR);
    assertEquals(2, pair.getReplicasCount(), "one profile per replica");
    for (ReplicaProfile r : pair.getReplicasList()) {
      assertTrue(r.getPinned());
      assertEquals(List.of(4), r.getPreferredBatchSizesList());
      assertEquals(1, r.getProfileCount(), "pinned: batch size 1 only is measured");
    }
    assertFalse(pair.getReplicas(0).getWorker().equals(pair.getReplicas(1).getWorker()));

    // Rounds of 64 concurrent calls until both replicas have run batches: one replica taking
    // everything while the other idles would never end this loop, and the bounded wait fails.
    Await.until("both replicas to run batches",
        java.time.Duration.ofSeconds(60), () -> {
          List<Future<ClassifyResponse>> calls = new ArrayList<>();
          for (int i = 0; i < 64; i++) {
            calls.add(client.classify(png(PAIR, i)));
          }
          for (int i = 0; i < 64; i++) {
            ClassifyResponse r = calls.get(i).await(30, TimeUnit.SECONDS);
            assertEquals(reference[i], r.getPredictions(0).getIndex(), "image " + i);
            assertTrue(r.getTiming().getBatchSize() <= 4,
                "batch of " + r.getTiming().getBatchSize() + " with the size pinned to 4");
          }
          Collection<Counter> busy = gateway.metrics().registry().find("gateway.replica.busy")
              .tag("model", PAIR).counters();
          return busy.size() == 2 && busy.stream().allMatch(c -> c.count() > 0);
        });
  }

  @Test
  void anAnswerSaysWhereItsTimeWent() throws Exception {
    // 320x320: more pixels than an idle replica decodes itself, so the input pool decodes it
    ClassifyResponse r = client.classify(ClassifyRequest.newBuilder().setModel("fashion-lenet")
        .setImage(ByteString.copyFrom(upscaledPng(3, 320))).build()).await(30, TimeUnit.SECONDS);
    Timing t = r.getTiming();
    assertTrue(t.getPrepareUs() > 0, "a large PNG is decoded on the input pool: " + t);
    assertTrue(t.getForwardUs() > 0, "the forward pass took time: " + t);
    assertTrue(t.getForwardUs() <= t.getComputeUs(), "forward is part of compute: " + t);
    assertTrue(t.getPrepareUs() + t.getBatchWaitUs() <= t.getQueueUs() + 1,
        "decoding and waiting for a replica are parts of the queue time: " + t);
  }

  @Test
  void anIdleReplicaDecodesALoneSmallImageItself() throws Exception {
    // One call at a time: the replica waits idle for each, unless a call comes in the moment
    // between its last batch and its next wait; a few calls make that race irrelevant.
    Timing onReplica = Await.value("a lone 28x28 PNG decoded by the idle replica", () -> {
      ClassifyResponse r = client.classify(png("fashion-lenet", 5)).await(30, TimeUnit.SECONDS);
      assertEquals(reference[5], r.getPredictions(0).getIndex());
      return r.getTiming();
    }, t -> t.getPrepareUs() == 0);
    assertTrue(onReplica.getForwardUs() > 0 && onReplica.getForwardUs() < onReplica.getComputeUs(),
        "decoding is then part of compute, beside the forward pass: " + onReplica);
  }

  @Test
  void aCorruptSmallImageDecodedByTheIdleReplicaFailsAloneAndTheReplicaServesOn()
      throws Exception {
    byte[] cut = data.png(7);
    cut = java.util.Arrays.copyOf(cut, cut.length / 2); // its header still declares 28x28
    for (int i = 0; i < 5; i++) {
      // alone, to an idle replica: decoded on the replica (see the test above)
      GatewayClient.CallFailed e = FailedCalls.failure(client.classify(ClassifyRequest
          .newBuilder().setModel("fashion-lenet").setImage(ByteString.copyFrom(cut)).build()));
      assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status());
      assertTrue(e.getMessage().contains("corrupt or truncated"), e.getMessage());
      ClassifyResponse next = client.classify(png("fashion-lenet", i)).await(30, TimeUnit.SECONDS);
      assertEquals(reference[i], next.getPredictions(0).getIndex(), "the call after it");
    }
  }

  /** Image {@code i} of the test set, scaled up to {@code size} x {@code size} pixels. */
  private static byte[] upscaledPng(int i, int size) throws Exception {
    BufferedImage small = ImageIO.read(new ByteArrayInputStream(data.png(i)));
    BufferedImage large = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = large.createGraphics();
    g.drawImage(small, 0, 0, size, size, null);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(large, "png", out);
    return out.toByteArray();
  }
}
