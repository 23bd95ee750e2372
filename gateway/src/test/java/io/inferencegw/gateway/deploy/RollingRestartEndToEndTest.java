package io.inferencegw.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.e2e.TestPorts;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.plugin.api.testing.Prerequisites;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway processes behind nginx (gRPC over h2c, standing in for a Service), callers in a
 * closed loop, and each gateway restarted in turn as a rolling update does it: out of the
 * balancer's upstream list (the endpoint removal), SIGTERM, drain, exit, start again, ready, back
 * in the list. Every call is counted by its status, and none may fail. The load lasts
 * {@code -Ddeploy.rollingRestartSeconds} (default 10) with {@code -Ddeploy.rollingRestartCallers}
 * callers (default 8; 32 and 60 s for the long run), at least until both restarts are done and a
 * steady tail has run.
 */
@ExtendWith(VertxExtension.class)
class RollingRestartEndToEndTest {

  private static final int CALLERS = Integer.getInteger("deploy.rollingRestartCallers", 8);
  private static final int CLIENTS = 4;
  /** Attempts of one call refused by a GOAWAY before it reached a server. */
  private static final int MAX_ATTEMPTS = 3;

  @TempDir Path dir;

  @Test
  void noCallFailsWhileEachGatewayRestartsInTurn(Vertx vertx) throws Exception {
    Prerequisites.require(NginxGrpcBalancer.NGINX.canExecute(), "nginx", "nginx");
    long seconds = Long.getLong("deploy.rollingRestartSeconds", 10);
    Path config = writeConfig(dir);
    int[] ports = TestPorts.free(3);
    Files.createDirectories(dir.resolve("nginx"));
    List<GatewayClient> clients = new ArrayList<>();
    try (GatewayProcess a = new GatewayProcess(config, ports[0]);
        GatewayProcess b = new GatewayProcess(config, ports[1])) {
      // both JVMs start at once (the restarts below are one at a time, as in a rolling update)
      a.launch();
      b.launch();
      a.awaitReady();
      b.awaitReady();
      try (NginxGrpcBalancer nginx = new NginxGrpcBalancer(dir.resolve("nginx"), ports[2],
          List.of(ports[0], ports[1]))) {
        awaitListening(nginx, ports[2]);
        for (int i = 0; i < CLIENTS; i++) {
          clients.add(new GatewayClient(vertx, "127.0.0.1", ports[2]));
        }
        ClassifyRequest request = ClassifyRequest.newBuilder().setModel("fashion-lenet")
            .setImage(ByteString.copyFrom(Files.readAllBytes(Path.of("../deploy/samples/bag.png"))))
            .build();
        int expected = clients.get(0).classify(request).await(30, TimeUnit.SECONDS)
            .getPredictions(0).getIndex();

        Load load = new Load(clients, request, expected);
        long start = System.nanoTime();
        load.start();
        // A steady quarter before the restarts: the baseline. The sleeps here are the load's
        // duration (-Ddeploy.rollingRestartSeconds), what this soak test is about; nothing
        // waits for a state by sleeping.
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds) / 4);
        load.restarting = true;
        for (GatewayProcess g : List.of(a, b)) {
          Phases phases = new Phases();
          nginx.remove(g.port());
          phases.mark("out of nginx");
          g.stop();
          phases.mark("drained and exited");
          g.start();
          phases.mark("started and ready");
          nginx.add(g.port());
          phases.mark("back in nginx");
          System.out.println("restart of gateway " + g.port() + ": " + phases);
        }
        load.restarting = false;
        long restartsMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
            - TimeUnit.SECONDS.toMillis(seconds) / 4;
        // The rest of the run, and at least a steady quarter after the restarts.
        long left = Math.max(TimeUnit.SECONDS.toMillis(seconds) / 4,
            TimeUnit.SECONDS.toMillis(seconds) - TimeUnit.NANOSECONDS.toMillis(
                System.nanoTime() - start));
        Thread.sleep(left);
        load.stop();
        assertTrue(load.done.await(60, TimeUnit.SECONDS), "callers did not finish");

        System.out.printf("rolling restart: %d callers, %d s, restarts took %d ms; calls ok %d, failed %d, "
            + "sent again after the balancer's GOAWAY %d%n",
            CALLERS, seconds, restartsMillis, load.ok.get(), load.failed.values().stream()
                .mapToLong(AtomicLong::get).sum(), load.transparentRetries.get());
        report("steady", load.steady);
        report("during restarts", load.duringRestarts);
        assertTrue(load.failed.isEmpty(), "failed calls by status: " + load.failed
            + "\nnginx:\n" + nginx.errorLog() + "\ngateway a:\n" + a.log() + "\ngateway b:\n"
            + b.log());
        assertTrue(load.duringRestarts.getTotalCount() > 0, "no call ran during the restarts");
        assertEquals(0, load.wrongAnswers.get(), "calls answered with another class");
      }
    } finally {
      clients.forEach(GatewayClient::close);
    }
  }

  /** How long each step of one restart took. */
  private static final class Phases {
    private final StringBuilder steps = new StringBuilder();
    private long last = System.nanoTime();

    void mark(String step) {
      long now = System.nanoTime();
      steps.append(steps.isEmpty() ? "" : ", ").append(step).append(' ')
          .append(TimeUnit.NANOSECONDS.toMillis(now - last)).append(" ms");
      last = now;
    }

    @Override
    public String toString() {
      return steps.toString();
    }
  }

  /** The callers: each sends its next call when the last one is answered. */
  private static final class Load {
    final List<GatewayClient> clients;
    final ClassifyRequest request;
    final int expected;
    final Histogram steady = new ConcurrentHistogram(3);
    final Histogram duringRestarts = new ConcurrentHistogram(3);
    final AtomicLong ok = new AtomicLong();
    final AtomicLong wrongAnswers = new AtomicLong();
    final AtomicLong transparentRetries = new AtomicLong();
    final Map<String, AtomicLong> failed = new ConcurrentHashMap<>();
    final CountDownLatch done = new CountDownLatch(CALLERS);
    volatile boolean restarting;
    volatile boolean stopped;

    Load(List<GatewayClient> clients, ClassifyRequest request, int expected) {
      this.clients = clients;
      this.request = request;
      this.expected = expected;
    }

    void start() {
      for (int i = 0; i < CALLERS; i++) {
        next(clients.get(i % clients.size()));
      }
    }

    void stop() {
      stopped = true;
    }

    private void next(GatewayClient client) {
      if (stopped) {
        done.countDown();
        return;
      }
      send(client, restarting, System.nanoTime(), 1);
    }

    private void send(GatewayClient client, boolean duringRestart, long sent, int attempt) {
      client.classify(request, 30_000).onComplete(ar -> {
        if (ar.failed() && neverReachedTheServer(ar.cause()) && attempt < MAX_ATTEMPTS) {
          transparentRetries.incrementAndGet();
          send(client, duringRestart || restarting, sent, attempt + 1);
          return;
        }
        long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sent);
        (duringRestart || restarting ? duringRestarts : steady).recordValue(micros);
        if (ar.succeeded()) {
          ok.incrementAndGet();
          if (ar.result().getPredictions(0).getIndex() != expected) {
            wrongAnswers.incrementAndGet();
          }
        } else {
          failed.computeIfAbsent(statusOf(ar.cause()), k -> new AtomicLong()).incrementAndGet();
        }
        next(client);
      });
    }

    /**
     * A stream the client opened after the balancer's GOAWAY (nginx sends one on every client
     * connection of a worker that exits after a reload): above the GOAWAY's last stream id, so
     * never processed. gRPC clients send such a call again on a new connection (gRPC's
     * transparent retry); the Vert.x client fails it instead, so the callers do it here. Known
     * by its message: {@code HttpClosedException.goAway()} copies the GOAWAY's debug data from a
     * buffer Netty has already released (Vert.x 5.0.7) and throws.
     */
    private static boolean neverReachedTheServer(Throwable t) {
      return t instanceof HttpClosedException closed && closed.getMessage() != null
          && closed.getMessage().startsWith("Stream was closed (GOAWAY");
    }

    private static String statusOf(Throwable t) {
      if (t instanceof GatewayClient.CallFailed f) {
        return f.status() + ": " + f.getMessage();
      }
      if (t instanceof GrpcErrorException e) {
        return e.status() + ": " + e.getMessage();
      }
      return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
  }

  private static void report(String phase, Histogram h) {
    System.out.printf("  %-16s calls %7d  p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms%n", phase,
        h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
  }

  private static void awaitListening(NginxGrpcBalancer nginx, int port) throws Exception {
    try {
      Await.until("nginx to listen on port " + port, () -> {
        if (!nginx.isAlive()) {
          throw new AssertionError("nginx exited");
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 500);
          return true;
        }
      });
    } catch (AssertionError notListening) {
      throw new AssertionError(notListening.getMessage() + ": " + nginx.errorLog(), notListening);
    }
  }

  /** The bundled LeNet, its files in a model repository of the test's own. */
  private static Path writeConfig(Path dir) throws IOException {
    Path model = Path.of("target/classes/default-model");
    Files.copy(model.resolve("fashion-lenet.safetensors"), dir.resolve("lenet.safetensors"));
    Files.copy(model.resolve("fashion-mnist.txt"), dir.resolve("labels.txt"));
    return Files.writeString(dir.resolve("gateway.yaml"), """
        models:
          - name: fashion-lenet
            family: lenet
            variant: lenet5-relu
            weights: lenet.safetensors
            labels: labels.txt
            intra_op_threads: 1
        """);
  }
}
