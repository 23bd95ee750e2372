package io.inferencegw.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.e2e.SystemPython;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.server.Gateway;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
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
    SystemPython.requireModule("websockets", "python3-websockets");
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

  @Test
  void anUnknownModelPrintsTheServersMessageAndExitsNonZero(Vertx vertx) throws Exception {
    SystemPython.requireModule("websockets", "python3-websockets");
    Gateway gateway = Gateway.start(vertx, TestGateways.withModels()).await(60, TimeUnit.SECONDS);
    try {
      Run run = streamPy(gateway, "--model", "no-such-model", "deploy/samples/bag.png");
      assertEquals(1, run.exitCode, run.out);
      assertFalse(run.out.contains("Traceback"), run.out);
      // the server's JSON {"code", "message"} of the refused handshake, on one line
      assertEquals("stream_classify.py: stream to model 'no-such-model' refused: NOT_FOUND: "
          + "model no-such-model is not served (HTTP 404)", run.out.strip());

      Run badParameter = streamPy(gateway, "--top-k", "0", "deploy/samples/bag.png");
      assertEquals(1, badParameter.exitCode, badParameter.out);
      assertTrue(badParameter.out.strip().endsWith(
          "refused: INVALID_ARGUMENT: top_k must be a positive integer, got '0' (HTTP 400)"),
          badParameter.out);
    } finally {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  /**
   * Without --policy the script leaves the policy to the server, whose default is latest: with
   * a batch delay far longer than the time to send every frame, each frame still waits in the
   * queue when the next one arrives, so all but the last are answered skipped.
   */
  @Test
  void theDefaultPolicyIsTheServersLatest(Vertx vertx) throws Exception {
    SystemPython.requireModule("websockets", "python3-websockets");
    Gateway gateway = Gateway.start(vertx, TestGateways.withModels(TestGateways.lenetAs(
        "slow-lenet", new BatchingConfig(32, 3_000_000, 1024)))).await(60, TimeUnit.SECONDS);
    try {
      List<String> args = new ArrayList<>(List.of("--model", "slow-lenet", "--top-k", "1"));
      List<Path> samples = samples();
      samples.forEach(p -> args.add(REPO.relativize(p).toString()));
      Run run = streamPy(gateway, args.toArray(String[]::new));
      assertEquals(0, run.exitCode, run.out);
      String[] lines = run.out.strip().split("\n");
      assertEquals(samples.size(), lines.length, run.out);
      for (int seq = 0; seq < lines.length - 1; seq++) {
        assertTrue(lines[seq].endsWith(": skipped (superseded)  [seq " + seq + "]"),
            "superseded under latest: " + lines[seq]);
      }
      Matcher last = OK.matcher(lines[lines.length - 1]);
      assertTrue(last.find(), "the newest frame is computed: " + lines[lines.length - 1]);
    } finally {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  private record Run(int exitCode, String out) {}

  /** Runs deploy/python/stream_classify.py against the gateway, output and errors together. */
  private static Run streamPy(Gateway gateway, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(SystemPython.PYTHON.toString(),
        "deploy/python/stream_classify.py",
        "--target", "localhost:" + gateway.port()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out);
  }

  private static List<Path> samples() throws Exception {
    try (var files = Files.list(REPO.resolve("deploy/samples"))) {
      return files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    }
  }
}
