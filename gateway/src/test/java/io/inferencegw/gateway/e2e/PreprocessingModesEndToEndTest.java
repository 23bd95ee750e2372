package io.inferencegw.gateway.e2e;

import static io.inferencegw.gateway.e2e.FailedCalls.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.PreprocessingMode;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.inferencegw.proto.v1.ModelInfo;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two models with the same LeNet weights, one per preprocessing mode, served by a real gateway:
 * both classify camera-sized JPEGs, the fast one from a 1/8-scale decode; hostile JPEGs sent to
 * the fast one are refused and the gateway goes on serving.
 */
@ExtendWith(VertxExtension.class)
class PreprocessingModesEndToEndTest {

  private static final String EXACT = "lenet-exact";
  private static final String FAST = "lenet-fast";
  private static final int IMAGES = 20;

  private static Gateway gateway;
  private static GatewayClient client;
  private static FashionMnist data;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    data = FashionLenetReference.requireTestSet();
    gateway = Gateway.start(vertx, TestGateways.withModels(
            TestGateways.bundledLenet().withName(EXACT).withPreprocessing(PreprocessingMode.EXACT),
            TestGateways.bundledLenet().withName(FAST).withPreprocessing(PreprocessingMode.FAST)))
        .await(60, TimeUnit.SECONDS);
    client = new GatewayClient(vertx, "localhost", gateway.port());
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.close(client, gateway);
  }

  @Test
  void listModelsTellsEachModelsMode() throws Exception {
    Map<String, String> modes = client.listModels().await(30, TimeUnit.SECONDS).getModelsList()
        .stream().filter(m -> m.getName().equals(EXACT) || m.getName().equals(FAST))
        .collect(Collectors.toMap(ModelInfo::getName, ModelInfo::getPreprocessing));
    assertEquals(Map.of(EXACT, "exact", FAST, "fast"), modes);
  }

  @Test
  void bothModesClassifyCameraSizedJpegsAlike() throws Exception {
    int agreeing = 0;
    boolean anyLogitDiffers = false;
    for (int i = 0; i < IMAGES; i++) {
      byte[] jpeg = vgaJpeg(i);
      ClassifyResponse exact = classify(EXACT, jpeg);
      ClassifyResponse fast = classify(FAST, jpeg);
      if (exact.getPredictions(0).getIndex() == fast.getPredictions(0).getIndex()) {
        agreeing++;
      }
      anyLogitDiffers |= !exact.getLogitsList().equals(fast.getLogitsList());
    }
    assertTrue(anyLogitDiffers, "the fast model decodes at 1/8: its inputs differ slightly");
    assertEquals(IMAGES, agreeing, "top-1 agreement on " + IMAGES + " images");
  }

  /** A PNG is decoded alike in both modes, and at LeNet's own 28x28 there is no resize. */
  @Test
  void aPngThatNeedsNoResizeGivesTheSameLogitsInBothModes() throws Exception {
    byte[] png = data.png(3);

    assertEquals(classify(EXACT, png).getLogitsList(), classify(FAST, png).getLogitsList());
  }

  @Test
  void hostileJpegsAreRefusedAndTheGatewayGoesOnServing() throws Exception {
    byte[] good = vgaJpeg(0);
    int expected = classify(FAST, good).getPredictions(0).getIndex();

    byte[] bomb = good.clone();
    int sof = marker(bomb, 0xC0);
    bomb[sof + 5] = (byte) 0xEA; // 60000 x 60000
    bomb[sof + 6] = (byte) 0x60;
    bomb[sof + 7] = (byte) 0xEA;
    bomb[sof + 8] = (byte) 0x60;
    byte[] truncated = Arrays.copyOf(good, good.length / 2);
    byte[] garbage = new byte[4096];
    new java.util.Random(9).nextBytes(garbage);
    garbage[0] = (byte) 0xFF;
    garbage[1] = (byte) 0xD8;
    garbage[2] = (byte) 0xFF;
    byte[] badTables = good.clone();
    int dht = marker(badTables, 0xC4);
    Arrays.fill(badTables, dht + 5, dht + 21, (byte) 0xFF);

    for (byte[] hostile : List.of(bomb, truncated, garbage, badTables)) {
      GatewayClient.CallFailed e = failure(client.classify(request(FAST, hostile)));
      assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status(), e.getMessage());
    }
    assertTrue(failure(client.classify(request(FAST, bomb))).getMessage()
        .contains("exceeds the 40000000-pixel limit"));
    assertEquals(expected, classify(FAST, good).getPredictions(0).getIndex());
    assertNotEquals(0, classify(EXACT, good).getPredictionsCount());
  }

  private static ClassifyResponse classify(String model, byte[] image) throws Exception {
    return client.classify(request(model, image)).await(60, TimeUnit.SECONDS);
  }

  private static ClassifyRequest request(String model, byte[] image) {
    return ClassifyRequest.newBuilder().setModel(model).setImage(ByteString.copyFrom(image))
        .setReturnLogits(true).build();
  }

  /** Fashion-MNIST image {@code i} scaled to 640x480, as a gray JPEG from a camera would be. */
  private static byte[] vgaJpeg(int i) throws IOException {
    BufferedImage small = ImageIO.read(new java.io.ByteArrayInputStream(data.png(i)));
    BufferedImage vga = new BufferedImage(640, 480, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = vga.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(small, 80, 0, 480, 480, null);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(vga, "jpeg", out);
    return out.toByteArray();
  }

  private static int marker(byte[] jpeg, int marker) {
    for (int i = 2; i + 1 < jpeg.length; i++) {
      if (jpeg[i] == (byte) 0xFF && jpeg[i + 1] == (byte) marker) {
        return i;
      }
    }
    throw new AssertionError("no marker 0x" + Integer.toHexString(marker));
  }
}
