package io.inferencegw.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.config.Precision;
import io.inferencegw.gateway.registry.ModelLoadException;
import io.inferencegw.gateway.registry.ModelState;
import io.inferencegw.gateway.registry.ModelStatus;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.gateway.worker.PrecisionSupport;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A model asking for bf16 on a CPU without bf16 instructions is refused at load, with a message
 * that says why and what to do, while the gateway goes on serving its other models.
 */
@ExtendWith(VertxExtension.class)
class PrecisionRefusalEndToEndTest {

  private Gateway gateway;
  private GatewayClient client;

  @AfterEach
  void stop() throws Exception {
    TestGateways.close(client, gateway);
  }

  @Test
  void aBf16ModelIsRefusedOnThisCpuAndTheOtherModelsKeepServing(Vertx vertx) throws Exception {
    assumeFalse(PrecisionSupport.ofThisMachine().cpuRuns(Precision.BF16),
        "this CPU runs bf16, so nothing is refused");
    ModelConfig bundled = TestGateways.bundledLenet();
    gateway = Gateway.start(vertx, TestGateways.withModels()).await(60, TimeUnit.SECONDS);
    client = new GatewayClient(vertx, "localhost", gateway.port());

    ModelConfig bf16 = bundled.withName("lenet-bf16")
        .withPrecision(Precision.BF16, ModelConfig.DEFAULT_MIN_TOP1_AGREEMENT);
    Exception refused = assertThrows(Exception.class,
        () -> gateway.models().load(bf16).await(60, TimeUnit.SECONDS));
    ModelLoadException load = assertInstanceOf(refused);
    assertEquals(ModelLoadException.Kind.INVALID_REQUEST, load.kind(), load.getMessage());
    String message = load.getMessage();
    assertTrue(message.contains("model lenet-bf16: precision bf16 is not supported on device "
        + "cpu: the CPU lacks avx512_bf16 or amx_bf16"), message);
    assertTrue(message.contains("use precision fp32 on this device"), message);

    ModelStatus status = gateway.models().index().stream()
        .filter(s -> s.name().equals("lenet-bf16")).findFirst().orElseThrow();
    assertEquals(ModelState.FAILED, status.state());
    assertTrue(status.reason().contains("avx512_bf16"), status.reason());

    ClassifyResponse answer = client.classify(ClassifyRequest.newBuilder()
        .setModel(bundled.name()).setImage(ByteString.copyFrom(grayPng())).build())
        .await(30, TimeUnit.SECONDS);
    assertEquals(bundled.name(), answer.getModel());
    assertTrue(answer.getPredictionsCount() > 0, "the fp32 model still answers");
  }

  private static ModelLoadException assertInstanceOf(Exception e) {
    Throwable t = e;
    while (t != null && !(t instanceof ModelLoadException)) {
      t = t.getCause();
    }
    assertTrue(t instanceof ModelLoadException, "a ModelLoadException, got " + e);
    return (ModelLoadException) t;
  }

  private static byte[] grayPng() throws Exception {
    BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 8; y < 20; y++) {
      for (int x = 6; x < 22; x++) {
        image.getRaster().setSample(x, y, 0, 200);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
