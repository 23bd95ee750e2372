package io.inferencegw.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.server.Gateway;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stock client: the README's Python example (grpcio, no generated code) against the real
 * gateway, classifying the shipped sample images.
 */
@ExtendWith(VertxExtension.class)
class PythonClientEndToEndTest {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  /** {@code deploy/samples/ankle-boot.png: Ankle boot (9) 0.987  [batch 1, v1]} */
  private static final Pattern LINE = Pattern.compile("samples/([a-z-]+)\\.png: (.+?) \\((\\d+)\\) ");

  @Test
  void readmePythonClientClassifiesTheSampleImages(Vertx vertx) throws Exception {
    SystemPython.requireModule("grpc", "python3-grpcio");
    Gateway gateway =
        Gateway.start(vertx, TestGateways.withModels()).await(60, TimeUnit.SECONDS);
    try {
      List<String> args = new ArrayList<>(List.of("--top-k", "1"));
      List<Path> samples;
      try (var files = Files.list(REPO.resolve("deploy/samples"))) {
        samples = files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
      }
      samples.forEach(p -> args.add(REPO.relativize(p).toString()));
      String out = classifyPy(gateway, args);
      String[] lines = out.strip().split("\n");
      assertEquals(samples.size(), lines.length, out);
      int correct = 0;
      for (String line : lines) {
        // deploy/samples/ankle-boot.png: Ankle boot (9) 0.987  [batch 1, v1]
        Matcher m = LINE.matcher(line);
        assertTrue(m.find(), "unexpected output line: " + line);
        String label = m.group(2).toLowerCase().replace('/', '-').replace(' ', '-');
        correct += label.startsWith(m.group(1)) ? 1 : 0;
      }
      assertTrue(correct >= samples.size() - 2, "sample images classified correctly: " + correct
          + " of " + samples.size() + "\n" + out);
    } finally {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void readmePythonClientListsModelsAndTheCatalogWithItsPreprocessing(Vertx vertx)
      throws Exception {
    SystemPython.requireModule("grpc", "python3-grpcio");
    Gateway gateway =
        Gateway.start(vertx, TestGateways.withModels()).await(60, TimeUnit.SECONDS);
    try {
      String out = classifyPy(gateway, List.of("--list"));
      assertTrue(out.contains("model fashion-lenet v1: lenet/lenet5-relu READY on cpu, 10 classes,"
          + " fp32, fast preprocessing\n"), out);
      assertTrue(out.contains("variant inception/inception_v3: 27,161,264 parameters, input "
          + "3x299x299, 1000 classes; RGB resize 342 bilinear, crop 299x299, mean "
          + "0.485,0.456,0.406, std 0.229,0.224,0.225; torchvision inception_v3 with "
          + "transform_input=True"), out);
      assertTrue(out.contains("variant lenet/lenet5: 61,706 parameters, input 1x28x28"), out);
    } finally {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  /** Runs deploy/python/classify.py against the gateway; returns its output (exit code 0). */
  private static String classifyPy(Gateway gateway, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("deploy/python/classify.py",
        "--target", "localhost:" + gateway.port()));
    cmd.addAll(args);
    return SystemPython.run(REPO, Map.of(), Duration.ofSeconds(60), cmd).stdout();
  }
}
