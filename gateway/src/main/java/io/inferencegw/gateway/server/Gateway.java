package io.inferencegw.gateway.server;

import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.connection.ConnectionGuard;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.observability.AccessLog;
import io.inferencegw.gateway.observability.GatewayMetrics;
import io.inferencegw.gateway.observability.RequestRecorder;
import io.inferencegw.gateway.registry.HotReloader;
import io.inferencegw.gateway.registry.LoadedPlugin;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.PluginDirectoryWatcher;
import io.inferencegw.gateway.registry.PluginLoadException;
import io.inferencegw.gateway.registry.PluginLoader;
import io.inferencegw.gateway.registry.PluginRegistry;
import io.inferencegw.gateway.stream.StreamRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: plugins, served models and the client-facing servers, started from a
 * config and closed as one.
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  /** How long a plugin JAR must sit unchanged before it is loaded. */
  static final long PLUGIN_SETTLE_MILLIS = 1000;
  static final long PLUGIN_POLL_MILLIS = 250;
  /** How long calls in flight may take to finish when the gateway shuts down. */
  public static final long DEFAULT_SHUTDOWN_GRACE_MILLIS = 30_000;

  private final Vertx vertx;
  private final PluginRegistry plugins;
  private final ModelManager models;
  private final HotReloader reloader;
  private final PluginDirectoryWatcher watcher;
  private final Readiness readiness;
  private final ConnectionGuard connections;
  private final String frontends;
  private final int port;
  private final GatewayMetrics metrics;
  private final AccessLog accessLog;

  private Gateway(Vertx vertx, PluginRegistry plugins, ModelManager models, HotReloader reloader,
      PluginDirectoryWatcher watcher, Readiness readiness, ConnectionGuard connections,
      String frontends, int port, GatewayMetrics metrics, AccessLog accessLog) {
    this.metrics = metrics;
    this.accessLog = accessLog;
    this.vertx = vertx;
    this.connections = connections;
    this.plugins = plugins;
    this.models = models;
    this.reloader = reloader;
    this.watcher = watcher;
    this.readiness = readiness;
    this.frontends = frontends;
    this.port = port;
  }

  /**
   * Loads the plugins, loads every configured model, opens the port and starts watching the
   * plugins directory. A model whose family no plugin provides yet waits for one; any other
   * model that fails to load fails the start. With port 0 a free port is chosen.
   */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
    return start(vertx, config, InputLimits.DEFAULT);
  }

  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, InputLimits limits) {
    GatewayMetrics metrics = new GatewayMetrics();
    PluginRegistry plugins = new PluginRegistry(config.pluginsDir(), metrics);
    ModelManager models = new ModelManager(vertx, plugins, limits, metrics);
    StreamRegistry streams = new StreamRegistry(config.streams()); // one for all frontends
    metrics.bindStreams(streams);
    AtomicReference<AccessLog> accessLog = new AtomicReference<>();
    PluginLoader loader = new PluginLoader();
    HotReloader reloader = new HotReloader(vertx, plugins, loader, models);
    AtomicReference<Set<Path>> loadedJars = new AtomicReference<>(Set.of());
    Readiness readiness = new Readiness(models);
    ConnectionGuard connections = new ConnectionGuard(config.connections()); // all frontends'
    return vertx
        .executeBlocking(() -> {
          if (config.accessLog().enabled()) {
            accessLog.set(AccessLog.open(config.accessLog(), metrics::accessLogDropped));
          }
          loadedJars.set(loadPluginDirectory(config.pluginsDir(), loader, plugins));
          return null;
        })
        .compose(v -> models.lifecycle().change(() -> loadAll(models, plugins, config.models())))
        .compose(v -> listen(vertx, config, models, plugins, readiness, limits, connections,
            streams, metrics, new RequestRecorder(metrics, accessLog.get())))
        .map(listening -> {
          PluginDirectoryWatcher watcher = watch(config.pluginsDir(), reloader, loadedJars.get());
          return new Gateway(vertx, plugins, models, reloader, watcher, readiness, connections,
              listening.deployment(), listening.port(), metrics, accessLog.get());
        })
        .onSuccess(g -> LOG.info("gateway listening on port {}", g.port()))
        .recover(err -> models.close()
            .eventually(() -> vertx.executeBlocking(() -> {
              plugins.close();
              if (accessLog.get() != null) {
                accessLog.get().close();
              }
              return null;
            }))
            .transform(x -> Future.failedFuture(err)));
  }

  /** Loads every JAR present at start-up; a broken one is recorded and skipped. */
  private static Set<Path> loadPluginDirectory(Path dir, PluginLoader loader, PluginRegistry plugins) {
    Set<Path> loaded = new HashSet<>();
    if (!Files.isDirectory(dir)) {
      LOG.warn("plugins directory {} does not exist; no model families are available", dir);
      return loaded;
    }
    List<Path> jars = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar")) {
      stream.forEach(p -> {
        if (!p.getFileName().toString().startsWith(".")) {
          jars.add(p);
        }
      });
    } catch (IOException e) {
      LOG.error("cannot list plugins directory {}: {}", dir, e.getMessage());
      return loaded;
    }
    jars.sort(null);
    for (Path jar : jars) {
      try {
        LoadedPlugin plugin = loader.load(jar);
        if (plugins.active(plugin.id()).isPresent()) {
          plugin.unload();
          plugins.recordFailure(jar, "plugin " + plugin.id() + " is already loaded from "
              + plugins.active(plugin.id()).get().jar().getFileName());
          continue;
        }
        plugins.activate(plugin);
        loaded.add(jar);
      } catch (PluginLoadException e) {
        LOG.error("plugin file {} not loaded: {}", jar.getFileName(), e.getMessage());
        plugins.recordFailure(jar, e.getMessage());
      }
    }
    return loaded;
  }

  private static Future<Void> loadAll(
      ModelManager models, PluginRegistry plugins, List<ModelConfig> configs) {
    List<Future<?>> loads = new ArrayList<>();
    for (ModelConfig m : configs) {
      if (plugins.family(m.family()).isEmpty()) {
        LOG.warn("model {}: no plugin provides family '{}' yet; it loads when one arrives",
            m.name(), m.family());
        models.load(m); // registers it as pending
        continue;
      }
      loads.add(models.load(m));
    }
    // join, not all: the lifecycle change ends when every load has, failed ones included.
    return Future.join(loads).mapEmpty();
  }

  private static PluginDirectoryWatcher watch(Path dir, HotReloader reloader, Set<Path> loaded) {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    return new PluginDirectoryWatcher(dir, new PluginDirectoryWatcher.Listener() {
      @Override
      public void jarReady(Path jar) {
        reloader.jarReady(jar);
      }

      @Override
      public void jarRemoved(Path jar) {
        reloader.jarRemoved(jar);
      }

      @Override
      public void jarBroken(Path jar, String reason) {
        reloader.jarBroken(jar, reason);
      }
    }, PLUGIN_SETTLE_MILLIS, PLUGIN_POLL_MILLIS, loaded).start();
  }

  /** The frontends' deployment and the port they listen on. */
  private record Listening(String deployment, int port) {}

  private static Future<Listening> listen(Vertx vertx, GatewayConfig config, ModelManager models,
      PluginRegistry plugins, Readiness readiness, InputLimits limits,
      ConnectionGuard connections, StreamRegistry streams, GatewayMetrics metrics,
      RequestRecorder recorder) {
    // A fixed port is shared by one frontend per event loop; port 0 means "any free port",
    // which only one server can take, so then one frontend serves.
    int instances = config.port() == 0 ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
    AtomicReference<FrontendVerticle> first = new AtomicReference<>();
    return vertx
        .deployVerticle(
            () -> {
              FrontendVerticle v =
                  new FrontendVerticle(config, models, plugins, limits, streams, readiness,
                      connections, metrics, recorder);
              first.compareAndSet(null, v);
              return v;
            },
            new DeploymentOptions().setInstances(instances))
        .map(id -> new Listening(id, first.get().actualPort()))
        .compose(listening -> firstConnection(vertx, listening.port()).map(listening));
  }

  /**
   * The connection guard reaches the listening socket through the first connection made known
   * to it (see {@link ConnectionGuard}); the gateway makes that connection itself, so that the
   * limits on connections that have not sent a request yet hold from the start.
   */
  private static Future<Void> firstConnection(Vertx vertx, int port) {
    HttpClient client = vertx.createHttpClient();
    return client.request(HttpMethod.GET, port, "localhost", "/health/live")
        .compose(req -> req.send().compose(HttpClientResponse::body))
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("could not connect to port {} to guard it: {}", port, e.toString());
          return Future.succeededFuture();
        })
        .eventually(client::close);
  }

  public int port() {
    return port;
  }

  public ModelManager models() {
    return models;
  }

  public PluginRegistry plugins() {
    return plugins;
  }

  /** The connection limits of the port, and how many connections it serves now. */
  public ConnectionGuard connections() {
    return connections;
  }

  public HotReloader reloader() {
    return reloader;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The gateway's metrics, as {@code GET /metrics} serves them. */
  public GatewayMetrics metrics() {
    return metrics;
  }

  /** Whether the gateway takes new requests: every model READY, and not shutting down. */
  public boolean isReady() {
    return readiness.isReady();
  }

  /** {@link #close(long)} with the default grace period. */
  public Future<Void> close() {
    return close(DEFAULT_SHUTDOWN_GRACE_MILLIS);
  }

  /**
   * Shuts down in the order that loses no admitted request: readiness turns false (load
   * balancers stop sending); the port stops accepting and HTTP/2 clients get GOAWAY, so no new
   * call starts; the calls already admitted are answered, by models that are all still loaded,
   * for up to {@code graceMillis}; only then are models drained and unloaded, and plugins
   * unloaded.
   */
  public Future<Void> close(long graceMillis) {
    readiness.shuttingDown(graceMillis);
    LOG.info("shutting down: not ready; answering calls in flight (grace period {} ms)",
        graceMillis);
    if (watcher != null) {
      watcher.close();
    }
    return vertx.undeploy(frontends)
        .eventually(() -> {
          LOG.info("port closed; unloading models");
          return models.close();
        })
        .compose(v -> vertx.executeBlocking(() -> {
          plugins.close();
          if (accessLog != null) {
            accessLog.close(); // after the last answer: it writes every line queued
          }
          return null;
        }))
        .mapEmpty();
  }
}
