package io.inferencegw.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.e2e.SystemPython;
import io.inferencegw.gateway.e2e.TestGateways;
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
 * A stock client: the README's Python streaming example (the websockets package, nothing of
 * ours) against the real gateway, streaming the shipped sample images as frames.
 */
@ExtendWith(VertxExtension.class)
class PythonStreamClientTest {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  /** {@code deploy/samples/bag.png: Bag (8) 1.000  [seq 1, batch 4, 12.3 ms]} */
  private static final Pattern OK = Pattern.compile(
      "samples/([a-z-]+)\\.png: (.+?) \\((\\d+)\\) [0-9.]+  \\[seq (\\d+), batch \\d+, [0-9.]+ ms]");

  @Test
  void pythonExampleStreamsTheSampleImagesInOrder(Vertx vertx) throws Exception {
    SystemPython.assumeModules("Debian's python3-websockets", "websockets");
    Gateway gateway = Gateway.start(vertx, TestGateways.withModels()).await(60, TimeUnit.SECONDS);
    try {
      List<Path> samples;
      try (var files = Files.list(REPO.resolve("deploy/samples"))) {
        samples = files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
      }
      List<String> cmd = new ArrayList<>(List.of("deploy/python/stream_classify.py",
          "--target", "localhost:" + gateway.port(), "--policy", "all", "--top-k", "1"));
      samples.forEach(p -> cmd.add(REPO.relativize(p).toString()));
      String out = SystemPython.run(REPO, Map.of(), Duration.ofSeconds(60), cmd).stdout();
      String[] lines = out.strip().split("\n");
      assertEquals(samples.size(), lines.length, out);
      int correct = 0;
      for (int seq = 0; seq < lines.length; seq++) {
        Matcher m = OK.matcher(lines[seq]);
        assertTrue(m.find(), "not an ok reply: " + lines[seq]);
        assertEquals(seq, Integer.parseInt(m.group(4)), "in seq order");
        String label = m.group(2).toLowerCase().replace('/', '-').replace(' ', '-');
        correct += label.startsWith(m.group(1)) ? 1 : 0;
      }
      assertTrue(correct >= samples.size() - 2, "samples classified correctly: " + correct + "\n" + out);
    } finally {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }
}
