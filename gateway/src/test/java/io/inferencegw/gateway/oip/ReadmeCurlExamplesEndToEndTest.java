package io.inferencegw.gateway.oip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.testing.Prerequisites;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's Open Inference Protocol example, run as written by bash and curl (an independent
 * REST client) against the real gateway: the JSON request and the binary tensor data request
 * both answer what Classify answers for the same sample image.
 */
@ExtendWith(VertxExtension.class)
class ReadmeCurlExamplesEndToEndTest {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path SAMPLE = REPO.resolve("deploy/samples/sneaker.png");

  @TempDir Path dir;

  /** The first bash block of README's OIP section, pointed at this gateway and folder. */
  private String readmeExample(int port) throws Exception {
    String readme = Files.readString(REPO.resolve("README.md"));
    int section = readme.indexOf("## Open Inference Protocol");
    int start = readme.indexOf("```bash\n", section) + "```bash\n".length();
    int end = readme.indexOf("```", start);
    assertTrue(section >= 0 && start > section && end > start, "README has no OIP example");
    return readme.substring(start, end)
        .replace("localhost:8080", "localhost:" + port)
        .replace("/tmp/body.bin", dir.resolve("body.bin").toString());
  }

  @Test
  void jsonAndBinaryRequestsAnswerAsClassify(Vertx vertx) throws Exception {
    String curl = Prerequisites.executable("curl", "curl");
    assertTrue(curl != null);
    Gateway gateway = Gateway.start(vertx, TestGateways.withModels()).await(60, TimeUnit.SECONDS);
    try (GatewayClient client = new GatewayClient(vertx, "localhost", gateway.port())) {
      ClassifyResponse expected = client.classify(ClassifyRequest.newBuilder()
          .setModel("fashion-lenet").setImage(ByteString.copyFrom(Files.readAllBytes(SAMPLE)))
          .setTopK(3).build()).await(30, TimeUnit.SECONDS);
      Path script = dir.resolve("example.sh");
      // Each answer on a line of its own (curl -s prints no newline after the body).
      Files.writeString(script, "set -euo pipefail\n"
          + readmeExample(gateway.port()).replace("\ncurl ", "\necho; curl ") + "\necho\n");
      Process p = new ProcessBuilder("bash", script.toString()).directory(REPO.toFile())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the example did not finish");
      assertEquals(0, p.exitValue(), out);
      List<JsonObject> answers = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isBlank()) {
          answers.add(new JsonObject(line));
        }
      }
      assertEquals(2, answers.size(), out);

      JsonObject json = answers.get(0);
      assertEquals("1", json.getString("id"), "the id is echoed");
      JsonArray top3 = json.getJsonArray("outputs").getJsonObject(0).getJsonArray("data");
      assertEquals(3, top3.size(), json.encode());
      for (int k = 0; k < 3; k++) {
        assertClassification(expected, k, top3.getString(k));
      }
      JsonArray top1 = answers.get(1).getJsonArray("outputs").getJsonObject(0)
          .getJsonArray("data");
      assertEquals(1, top1.size(), answers.get(1).encode());
      assertClassification(expected, 0, top1.getString(0));
      assertEquals("Sneaker", expected.getPredictions(0).getLabel(), "the sample's class");
    } finally {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  /** A "score:index:label" string equal to Classify's prediction of that rank. */
  private static void assertClassification(ClassifyResponse expected, int rank, String element) {
    String[] fields = element.split(":", 3);
    assertEquals(expected.getPredictions(rank).getIndex(), Integer.parseInt(fields[1]), element);
    assertEquals(expected.getPredictions(rank).getLabel(), fields[2], element);
    assertEquals(expected.getPredictions(rank).getScore(), Float.parseFloat(fields[0]), 1e-6,
        element);
  }
}
