package io.inferencegw.gateway.deploy;

import io.inferencegw.gateway.e2e.GatewayJvm;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.plugin.api.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A gateway in a JVM of its own, on a fixed port, stopped with SIGTERM as an orchestrator does. */
final class GatewayProcess implements AutoCloseable {

  private final Path config;
  private final int port;
  private final StringBuilder log = new StringBuilder();
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;
  private Path workingDirectory;

  /** {@code config} null: the bundled config, as {@code java -jar gateway.jar} serves it. */
  GatewayProcess(Path config, int port) {
    this.config = config;
    this.port = port;
  }

  /** Starts the JVM in this folder (default: the test's working directory). */
  GatewayProcess in(Path folder) {
    this.workingDirectory = folder;
    return this;
  }

  int port() {
    return port;
  }

  /** Starts the JVM and returns once /health/ready answers 200. */
  void start() throws Exception {
    launch();
    awaitReady();
  }

  /**
   * Starts the JVM without waiting for it, so that several gateways start at once; then
   * {@link #awaitReady()}.
   */
  void launch() throws Exception {
    List<String> cmd = new ArrayList<>(GatewayJvm.command("-Xmx256m"));
    if (config != null) {
      cmd.addAll(List.of("--config", config.toString()));
    }
    cmd.addAll(List.of("--port", String.valueOf(port), "--shutdown-grace-seconds", "10",
        "--plugins", TestGateways.PLUGINS.toAbsolutePath().toString()));
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (workingDirectory != null) {
      builder.directory(workingDirectory.toFile());
    }
    process = builder.start();
    Process p = process;
    Thread reader = new Thread(() -> copyLog(p), "gateway-" + port + "-log");
    reader.setDaemon(true);
    reader.start();
  }

  /** Returns once the launched gateway's /health/ready answers 200. */
  void awaitReady() {
    Process p = process;
    // A JVM that loads LibTorch and warms up a model, beside others doing the same: two minutes.
    try {
      Await.until("the gateway on port " + port + " to get ready", Duration.ofSeconds(120), () -> {
        if (!p.isAlive()) {
          throw new AssertionError("the gateway on port " + port + " exited");
        }
        return ready();
      });
    } catch (AssertionError notReady) {
      throw new AssertionError(notReady.getMessage() + ":\n" + log(), notReady);
    }
  }

  /** SIGTERM, then waits for the drain and the exit. */
  void stop() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("gateway on port " + port + " did not exit:\n" + log());
    }
  }

  boolean ready() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
              + "/health/ready")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  String log() {
    synchronized (log) {
      return log.toString();
    }
  }

  private void copyLog(Process p) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        synchronized (log) {
          log.append(line).append('\n');
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
  }
}
