package io.inferencegw.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a gateway process with calls in flight: every call it had admitted is answered
 * with its result (none gets NOT_FOUND, UNAVAILABLE or a reset, as happened when models were
 * unloaded before the port closed), then the process exits.
 */
@ExtendWith(VertxExtension.class)
class ShutdownEndToEndTest {

  private static final Pattern LISTENING = Pattern.compile("on port (\\d+)");

  @Test
  void sigtermAnswersEveryAdmittedCallBeforeTheModelsGo(Vertx vertx, @TempDir Path dir)
      throws Exception {
    FashionMnist data = FashionLenetReference.requireTestSet();
    int[] reference = FashionLenetReference.predictions(data);
    Path config = writeConfig(dir);
    Process gateway = new ProcessBuilder(GatewayJvm.command("-Xmx512m",
            "--config", config.toString(), "--port", "0",
            "--plugins", TestGateways.PLUGINS.toAbsolutePath().toString()))
        .redirectErrorStream(true)
        .start();
    StringBuilder log = new StringBuilder();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> readLog(gateway, log, port), "gateway-log");
    reader.setDaemon(true);
    reader.start();
    GatewayClient client = null;
    try {
      client = new GatewayClient(vertx, "localhost", port.get(120, TimeUnit.SECONDS));
      // The slow model keeps these queued for seconds, waiting for a batch of 128.
      List<Future<ClassifyResponse>> queued = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        queued.add(client.classify(request("slow-lenet", data, i)));
      }
      // Sent after them on the same connection, so answered only after they were all admitted.
      assertEquals(reference[100], client.classify(request("fashion-lenet", data, 100))
          .await(30, TimeUnit.SECONDS).getPredictions(0).getIndex());
      gateway.toHandle().destroy(); // SIGTERM
      for (int i = 0; i < queued.size(); i++) {
        ClassifyResponse r = queued.get(i).await(60, TimeUnit.SECONDS);
        assertEquals(reference[i], r.getPredictions(0).getIndex(), "queued call " + i);
      }
      assertTrue(gateway.waitFor(60, TimeUnit.SECONDS), "the gateway did not exit:\n" + log);
    } finally {
      if (client != null) {
        client.close();
      }
      gateway.destroyForcibly();
    }
    reader.join(10_000);
    String out = log.toString();
    int notReady = out.indexOf("shutting down: not ready");
    int portClosed = out.indexOf("port closed; unloading models");
    int unloaded = out.indexOf("model slow-lenet v1 unloaded");
    assertTrue(notReady >= 0 && portClosed > notReady && unloaded > portClosed,
        "shutdown order: not ready, port closed, models unloaded:\n" + out);
  }

  private static ClassifyRequest request(String model, FashionMnist data, int i) {
    return ClassifyRequest.newBuilder().setModel(model)
        .setImage(ByteString.copyFrom(data.png(i))).build();
  }

  private static void readLog(Process p, StringBuilder log, CompletableFuture<Integer> port) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        synchronized (log) {
          log.append(line).append('\n');
        }
        Matcher m = LISTENING.matcher(line);
        if (line.startsWith("gateway serving") && m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (java.io.IOException e) {
      port.completeExceptionally(e);
    }
    port.completeExceptionally(new AssertionError("the gateway exited before listening:\n" + log));
  }

  /** The bundled LeNet twice: as is, and holding requests for 3 s unless 128 wait. */
  private static Path writeConfig(Path dir) throws Exception {
    Path model = Path.of("target/classes/default-model");
    Files.copy(model.resolve("fashion-lenet.safetensors"), dir.resolve("lenet.safetensors"));
    Files.copy(model.resolve("fashion-mnist.txt"), dir.resolve("labels.txt"));
    String entry = """
          - name: %s
            family: lenet
            variant: lenet5-relu
            weights: lenet.safetensors
            labels: labels.txt
            intra_op_threads: 1
            batching: {max_batch_size: %d, max_queue_delay_us: %d, queue_capacity: 256}
        """;
    Path config = dir.resolve("gateway.yaml");
    Files.writeString(config, "models:\n" + entry.formatted("fashion-lenet", 32, 2000)
        + entry.formatted("slow-lenet", 128, 3_000_000));
    return config;
  }
}
