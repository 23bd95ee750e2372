package io.inferencegw.gateway.cli;

import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.server.Gateway;
import io.vertx.core.Vertx;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar gateway.jar [--config FILE] [--port N] [--plugins DIR]}: serves the models of
 * the config, or the bundled Fashion-MNIST LeNet when no config is given. Subcommands are small
 * clients for trying and measuring a running gateway.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = "Serves image-classification models over gRPC with dynamic batching.",
    subcommands = {ClassifyCommand.class, LoadGenerator.class, SwapBenchmark.class,
        StreamLoadGenerator.class, PrecisionBenchmark.class,
        PreprocessBenchmark.class})
public final class GatewayMain implements Callable<Integer> {

  @Option(names = "--config", description = "YAML config file (default: the bundled fashion-lenet)")
  Path config;

  @Option(names = "--port", description = "port for gRPC over HTTP/2 cleartext (overrides config)")
  Integer port;

  @Option(names = "--plugins", description = "plugins directory (overrides config)")
  Path plugins;

  @Option(names = "--access-log",
      description = "append a JSON line per answered request to this file (overrides config)")
  Path accessLog;

  @Option(names = "--shutdown-grace-seconds", defaultValue = "30",
      description = "on SIGTERM, how long calls in flight may take to be answered before "
          + "connections close and models unload (default: ${DEFAULT-VALUE})")
  long shutdownGraceSeconds;

  public static void main(String[] args) {
    int code = new CommandLine(new GatewayMain()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    GatewayConfig cfg;
    try {
      Path defaultPlugins = defaultPluginsDir();
      cfg = config == null ? ConfigLoader.loadBundled(defaultPlugins) : ConfigLoader.load(config, defaultPlugins);
      if (port != null) {
        cfg = cfg.withPort(port);
      }
      if (plugins != null) {
        cfg = cfg.withPluginsDir(plugins);
      }
      if (accessLog != null) {
        cfg = cfg.withAccessLog(cfg.accessLog().withPath(accessLog));
      }
    } catch (RuntimeException e) {
      System.err.println("gateway: " + e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    CountDownLatch stopped = new CountDownLatch(1);
    Gateway gateway;
    try {
      gateway = Gateway.start(vertx, cfg).await();
    } catch (Exception e) {
      System.err.println("gateway: failed to start: " + e.getMessage());
      vertx.close().await();
      return 1;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // One after the other: a continuation of the gateway's close would run on an
                  // event loop that vertx.close() has already stopped, and never complete.
                  try {
                    gateway.close(TimeUnit.SECONDS.toMillis(shutdownGraceSeconds)).await();
                  } catch (Exception e) {
                    System.err.println("gateway: shutdown: " + e.getMessage());
                  }
                  try {
                    vertx.close().await();
                  } catch (Exception ignored) {
                    // exiting anyway
                  }
                  stopped.countDown();
                },
                "gateway-shutdown"));
    System.out.println(
        "gateway serving " + gateway.models().models().size() + " model(s) on port " + gateway.port());
    stopped.await();
    return 0;
  }

  /**
   * {@code plugins/} beside the gateway jar (or beside {@code target/classes} when run from a
   * build tree): where the build puts the bundled plugin JARs.
   */
  static Path defaultPluginsDir() {
    try {
      Path code = Path.of(GatewayMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path dir = Files.isDirectory(code) ? code.getParent() : code.getParent();
      return dir.resolve("plugins");
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of("plugins");
    }
  }
}
