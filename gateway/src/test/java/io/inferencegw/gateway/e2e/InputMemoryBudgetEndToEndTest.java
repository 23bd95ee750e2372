package io.inferencegw.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.inferencegw.gateway.e2e.FailedCalls.failure;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The heap that admitted requests hold is bounded across the gateway: large images waiting in a
 * queue use up the budget, the next large one is refused with RESOURCE_EXHAUSTED, small
 * requests still fit and are served, and the budget is whole again once the waiting ones are
 * answered.
 */
@ExtendWith(VertxExtension.class)
class InputMemoryBudgetEndToEndTest {

  private static final long BUDGET = 8L << 20;

  @Test
  void largeRequestsBeyondTheBudgetAreRefusedAndSmallOnesServed(Vertx vertx) throws Exception {
    FashionMnist data = FashionLenetReference.requireTestSet();
    int[] reference = FashionLenetReference.predictions(data);
    // holds requests for 2 s unless 64 wait
    Gateway gateway = Gateway.start(vertx,
            TestGateways.withModels(TestGateways.lenetAs("holding-lenet",
                new BatchingConfig(64, 2_000_000, 64))),
            InputLimits.DEFAULT.withMaxAdmittedInputBytes(BUDGET))
        .await(60, TimeUnit.SECONDS);
    GatewayClient client = new GatewayClient(vertx, "localhost", gateway.port());
    try {
      byte[] large = noisePng(1000, 1000); // about 3 MB: it does not compress
      assertTrue(large.length > 2_800_000 && large.length < BUDGET / 2, "size " + large.length);
      ClassifyRequest big = ClassifyRequest.newBuilder().setModel("holding-lenet")
          .setImage(ByteString.copyFrom(large)).build();
      Future<ClassifyResponse> first = client.classify(big);
      Future<ClassifyResponse> second = client.classify(big);
      // Same connection, so admitted after the first two; they hold about 6 MB of the 8.
      GatewayClient.CallFailed refused = failure(client.classify(big));
      assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, refused.status());
      assertTrue(refused.getMessage().contains("admitted inputs"), refused.getMessage());
      ClassifyResponse small = client.classify(ClassifyRequest.newBuilder()
              .setModel("fashion-lenet").setImage(ByteString.copyFrom(data.png(3))).build())
          .await(30, TimeUnit.SECONDS);
      assertEquals(reference[3], small.getPredictions(0).getIndex());

      assertEquals(first.await(30, TimeUnit.SECONDS).getPredictions(0).getIndex(),
          second.await(30, TimeUnit.SECONDS).getPredictions(0).getIndex());
      // Answered: the budget is whole again, and a large request is admitted.
      assertEquals(0, gateway.models().inputBudget().usedBytes());
      assertEquals(1, client.classify(big.toBuilder().setTopK(1).build())
          .await(30, TimeUnit.SECONDS).getPredictionsCount());
    } finally {
      client.close();
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }


  private static byte[] noisePng(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(5);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
