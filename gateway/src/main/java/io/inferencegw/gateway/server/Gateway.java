package io.inferencegw.gateway.server;

import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.PluginRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: plugins, served models and the client-facing servers, started from a
 * config and closed as one.
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final PluginRegistry plugins;
  private final ModelManager models;
  private final int port;

  private Gateway(Vertx vertx, PluginRegistry plugins, ModelManager models, int port) {
    this.vertx = vertx;
    this.plugins = plugins;
    this.models = models;
    this.port = port;
  }

  /**
   * Loads the plugins, loads every configured model (all must become READY), then opens the
   * port. With port 0 a free port is chosen; {@link #port()} tells which.
   */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
    return start(vertx, config, InputLimits.DEFAULT);
  }

  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, InputLimits limits) {
    PluginRegistry plugins = new PluginRegistry(config.pluginsDir());
    ModelManager models = new ModelManager(vertx, plugins, limits);
    return vertx
        .executeBlocking(
            () -> {
              plugins.start();
              return null;
            })
        .compose(v -> loadAll(models, config.models()))
        .compose(v -> listen(vertx, config.port(), models, plugins, limits))
        .map(port -> new Gateway(vertx, plugins, models, port))
        .onSuccess(g -> LOG.info("gateway listening on port {}", g.port()))
        .recover(
            err ->
                models
                    .close()
                    .eventually(() -> vertx.executeBlocking(() -> { plugins.close(); return null; }))
                    .transform(x -> Future.failedFuture(err)));
  }

  private static Future<Void> loadAll(ModelManager models, List<ModelConfig> configs) {
    List<Future<?>> loads = new ArrayList<>();
    for (ModelConfig m : configs) {
      loads.add(models.load(m));
    }
    return Future.all(loads).mapEmpty();
  }

  private static Future<Integer> listen(
      Vertx vertx, int port, ModelManager models, PluginRegistry plugins, InputLimits limits) {
    // A fixed port is shared by one frontend per event loop; port 0 means "any free port",
    // which only one server can take, so then one frontend serves.
    int instances = port == 0 ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
    AtomicReference<FrontendVerticle> first = new AtomicReference<>();
    return vertx
        .deployVerticle(
            () -> {
              FrontendVerticle v = new FrontendVerticle(port, models, plugins, limits);
              first.compareAndSet(null, v);
              return v;
            },
            new DeploymentOptions().setInstances(instances))
        .map(id -> first.get().actualPort());
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

  public Vertx vertx() {
    return vertx;
  }

  /** Stops taking requests, drains and unloads models, unloads plugins. */
  public Future<Void> close() {
    return models
        .close()
        .compose(v -> vertx.executeBlocking(() -> {
          plugins.close();
          return null;
        }))
        .mapEmpty();
  }
}
