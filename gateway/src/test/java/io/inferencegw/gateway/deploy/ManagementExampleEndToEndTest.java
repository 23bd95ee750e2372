package io.inferencegw.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.e2e.TestPorts;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's management example, run as written (its curl commands, the port aside) against a
 * gateway serving the bundled config from another working directory: the load call finds the
 * weights and the labels in the model repository of the built layout (models/ beside the
 * plugins), and the loaded model answers with the labels' class names.
 */
class ManagementExampleEndToEndTest {

  private static final Path README = Path.of("../README.md");
  private static final Pattern BASH_BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);

  @Test
  void theReadmeLoadExampleServesTheSigmoidLenetWithItsLabels(@TempDir Path elsewhere)
      throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "needs curl");
    String example = readmeBlock("/v2/repository/models/lenet-sigmoid/load");
    assertTrue(example.contains("\"labels\": \"fashion-mnist.txt\""), example);
    int port = TestPorts.free();
    try (GatewayProcess gateway = new GatewayProcess(null, port).in(elsewhere)) {
      gateway.start();
      Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c",
          example.replace("localhost:8080", "127.0.0.1:" + port))
          .directory(elsewhere.toFile()).redirectErrorStream(true).start();
      String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(bash.waitFor(120, TimeUnit.SECONDS), out);
      assertEquals(0, bash.exitValue(), out);
      // load, unload, load again from the last entry (a new version), then the ready index
      int loaded = out.indexOf("{\"name\":\"lenet-sigmoid\",\"version\":\"1\",\"state\":\"READY\"}");
      int unloaded = out.indexOf("{\"name\":\"lenet-sigmoid\",\"state\":\"UNAVAILABLE\"}");
      int reloaded = out.indexOf("{\"name\":\"lenet-sigmoid\",\"version\":\"2\",\"state\":\"READY\"}");
      assertTrue(loaded > 0 && unloaded > loaded && reloaded > unloaded, out + "\n" + gateway.log());
      assertTrue(out.substring(reloaded).contains("\"name\" : \"lenet-sigmoid\""), out);

      Vertx vertx = Vertx.vertx();
      try (GatewayClient client = new GatewayClient(vertx, "127.0.0.1", port)) {
        for (String sample : List.of("bag", "trouser", "sneaker")) {
          ClassifyResponse resp = client.classify(ClassifyRequest.newBuilder()
              .setModel("lenet-sigmoid").setTopK(1)
              .setImage(ByteString.copyFrom(Files.readAllBytes(
                  Path.of("../deploy/samples/" + sample + ".png"))))
              .build()).await(30, TimeUnit.SECONDS);
          assertEquals("2", resp.getVersion());
          assertTrue(resp.getPredictions(0).getLabel().toLowerCase().startsWith(sample),
              sample + " labelled from fashion-mnist.txt: " + resp);
        }
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
      gateway.stop();
    }
  }

  /** The README's bash block that contains {@code marker}. */
  private static String readmeBlock(String marker) throws Exception {
    Matcher m = BASH_BLOCK.matcher(Files.readString(README));
    while (m.find()) {
      if (m.group(1).contains(marker)) {
        return m.group(1);
      }
    }
    throw new AssertionError("no bash block in README.md with " + marker);
  }
}
