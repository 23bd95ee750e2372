package io.inferencegw.benchmarks;

import io.inferencegw.gateway.client.GatewayClient;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real gateway in a JVM of its own, started the way {@code deploy/gateway.sh} starts it
 * (bounded heap and direct memory) from {@code gateway.jar}, with a config file or the bundled
 * default, and stopped with SIGTERM. Ready once it has printed that it serves and answers
 * ListModels.
 */
final class ServedGateway implements AutoCloseable {

  private static final String SERVING_LINE = "gateway serving";
  /** As deploy/gateway.sh: JavaCPP does not check the process's RSS on each allocation. */
  static final String JAVACPP_NO_RSS_LIMIT = "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0";

  private final Process process;
  private final Path log;
  private final int port;

  private ServedGateway(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** @param config a config file, or null for the bundled default */
  static ServedGateway start(Path gatewayJar, Path config, Path log, long readyTimeoutSeconds)
      throws IOException, InterruptedException {
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-XX:MaxDirectMemorySize=256m", JAVACPP_NO_RSS_LIMIT,
        "-jar", gatewayJar.toString(), "--port", Integer.toString(port)));
    if (config != null) {
      command.add("--config");
      command.add(config.toString());
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    ServedGateway gateway = new ServedGateway(process, log, port);
    gateway.awaitServing(readyTimeoutSeconds);
    return gateway;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void awaitServing(long timeoutSeconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!Files.readString(log).contains(SERVING_LINE)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("gateway exited with " + process.exitValue()
            + " before serving; its log:\n" + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new IllegalStateException("gateway not serving after " + timeoutSeconds
            + " s; its log:\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
  }

  int port() {
    return port;
  }

  /** Models the gateway lists, to check that the config was served as meant. */
  List<String> servedModels(Vertx vertx) {
    try (GatewayClient client = new GatewayClient(vertx, "localhost", port)) {
      return client.listModels().await().getModelsList().stream()
          .map(m -> m.getName()).toList();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: the gateway drains and unloads
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
