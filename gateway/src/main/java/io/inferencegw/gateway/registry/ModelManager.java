package io.inferencegw.gateway.registry;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.config.ConfigException;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ServingMetrics;
import io.inferencegw.gateway.core.InputMemoryBudget;
import io.inferencegw.gateway.worker.PreprocessPool;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.VariantSpec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of served models: loads, version switches, drains and unloads, as steps of
 * {@link ModelLifecycle}. Its helpers each have one job: {@link RoutingTable} (which version
 * requests go to), {@link ModelFiles} (reading and checking a version's files),
 * {@link VersionDeployer} (its queue and device workers) and, on each worker's thread,
 * {@code worker.ReplicaBuilder} (the network with its weights).
 *
 * <p>A model is served as numbered versions. Loading a model (or upgrading the plugin its family
 * comes from) first prepares a new version beside the current one: its queue, and its device
 * workers, one per (instance, device), each building a replica, loading the weights strictly
 * and warming up. Only when all are ready does routing switch to it, in one step; the previous
 * version then drains (its queued and running requests finish) and is undeployed. A version
 * that fails to prepare is discarded and the current one keeps serving.
 *
 * <p>Configured models whose family no plugin provides yet are kept as pending and loaded when
 * such a plugin arrives.
 */
public final class ModelManager {

  private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);
  private static final long DRAIN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Vertx vertx;
  private final PluginRegistry plugins;
  private final InputLimits limits;
  private final RoutingTable routing = new RoutingTable();
  private final ModelRecords records = new ModelRecords();
  private final InputMemoryBudget inputBudget;
  private final ModelLifecycle lifecycle = new ModelLifecycle();
  private final VersionDeployer deployer;
  private final PreprocessPool preprocessing =
      PreprocessPool.forCores(Runtime.getRuntime().availableProcessors());

  public ModelManager(Vertx vertx, PluginRegistry plugins, InputLimits limits) {
    this(vertx, plugins, limits, ServingMetrics.NONE);
  }

  /** @param metrics told of each version's queue and of every batch its replicas run */
  public ModelManager(Vertx vertx, PluginRegistry plugins, InputLimits limits,
      ServingMetrics metrics) {
    this.vertx = vertx;
    this.plugins = plugins;
    this.limits = limits;
    this.inputBudget = limits.inputBudget();
    this.deployer = new VersionDeployer(vertx, limits, metrics, preprocessing);
  }

  /**
   * Loads a model, or a new version of it, and switches routing to it once it is ready. If no
   * plugin provides its family yet, the model is kept pending and the future fails with the
   * reason; any other failure leaves the current version serving.
   */
  public Future<ServedModel> load(ModelConfig config) {
    records.loading(config);
    Optional<PluginRegistry.LoadedFamily> family = plugins.family(config.family());
    if (family.isEmpty()) {
      records.waitForPlugin(config);
      return Future.failedFuture(new ConfigException(
          "model " + config.name() + ": no plugin provides family '" + config.family()
              + "' (available: " + plugins.familyNames() + "); it loads when one arrives"));
    }
    return prepare(config, family.get()).compose(model -> activate(model).map(model));
  }

  /**
   * Builds a new version of a model from a family, without routing to it yet. The returned
   * version is READY; it serves once {@link #activate} switches to it, or is thrown away with
   * {@link #discard}.
   */
  public Future<ServedModel> prepare(ModelConfig config, PluginRegistry.LoadedFamily loaded) {
    ModelFamily family = loaded.family();
    VariantSpec spec;
    try {
      spec = family.requireVariant(config.variant());
    } catch (IllegalArgumentException e) {
      return failLoad(config, new ModelLoadException(ModelLoadException.Kind.INVALID_REQUEST,
          "model " + config.name() + ": " + e.getMessage()));
    }
    String version = records.nextVersion(config);
    return vertx
        .executeBlocking(() -> ModelFiles.read(config, spec))
        .compose(files -> deployer.deploy(config, loaded, spec, version, files))
        .recover(err -> failLoad(config, err));
  }

  /**
   * Records the failure (the index shows the model as FAILED until it loads or is unloaded)
   * and fails with a {@link ModelLoadException} saying whose problem it was.
   */
  private Future<ServedModel> failLoad(ModelConfig config, Throwable error) {
    String reason = String.valueOf(error.getMessage());
    records.failed(config, reason);
    // The reason may quote tensor names from a file's header: keep it on one log line.
    LOG.error("model {} failed to load: {}", config.name(), oneLine(reason));
    return Future.failedFuture(error instanceof ModelLoadException e ? e
        : new ModelLoadException(ModelLoadException.kindOf(error), reason, error));
  }

  private static String oneLine(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      if (c == '\n') {
        sb.append(" | ");
      } else if (Character.isISOControl(c)) {
        sb.append(String.format("\\u%04x", c));
      } else {
        sb.appendCodePoint(c);
      }
    });
    return sb.toString();
  }

  /**
   * Routes the model's name to this version, atomically, and retires the version it replaces
   * (which drains in the background; the returned future completes when it is gone).
   */
  public Future<Void> activate(ServedModel model) {
    records.served(model.name());
    ServedModel previous = routing.route(model);
    LOG.info("model {} now served by v{} ({})", model.name(), model.version(), model.plugin());
    return previous == null ? Future.succeededFuture() : retire(previous);
  }

  /** Throws away a prepared version that never served. */
  public Future<Void> discard(ServedModel model) {
    return deployer.discard(model);
  }

  /**
   * The version a request names: an empty version means the current one; a pinned version may
   * also be one that is draining (the caller answers UNAVAILABLE for it).
   */
  public Optional<ServedModel> resolve(String name, String version) {
    return routing.resolve(name, version);
  }

  /** The heap that admitted requests may hold, across all models. */
  public InputMemoryBudget inputBudget() {
    return inputBudget;
  }

  /** The versions currently served, one per model name. */
  public Collection<ServedModel> models() {
    return routing.current();
  }

  /** Served models whose replicas were built by this plugin. */
  public List<ServedModel> servedBy(LoadedPlugin plugin) {
    return routing.current().stream().filter(m -> m.plugin() == plugin).toList();
  }

  /** Configured models waiting for a plugin that provides one of these families. */
  public List<ModelConfig> pendingFor(Collection<String> families) {
    return records.waitingFor(families);
  }

  /** Every model the gateway knows of: served, draining, pending and failed. */
  public List<ModelStatus> index() {
    List<ModelStatus> out = new ArrayList<>();
    for (ServedModel m : routing.current()) {
      out.add(status(m));
    }
    for (ServedModel m : routing.draining()) {
      out.add(status(m));
    }
    out.addAll(records.unserved(routing::serves));
    return out;
  }

  private static ModelStatus status(ServedModel m) {
    return new ModelStatus(m.name(), m.version(), m.config().family(), m.config().variant(),
        m.plugin().toString(), m.state(), m.reason());
  }

  /**
   * Where every change of what is served goes, one at a time: management calls and plugin
   * events. The methods of this class that change state are its steps; callers outside a
   * lifecycle change go through it.
   */
  public ModelLifecycle lifecycle() {
    return lifecycle;
  }

  /** The entry this model was last loaded from (config file or management), served or not. */
  public Optional<ModelConfig> lastConfig(String name) {
    return records.lastConfig(name);
  }

  /** Whether a model of this name is served, waiting for its plugin, or failed to load. */
  public boolean knows(String name) {
    return routing.serves(name) || records.hasStanding(name);
  }

  /**
   * Drains the model's current version and unloads it; later requests get NOT_FOUND. A model
   * that only failed to load or waits for its plugin is forgotten (the index stops listing it).
   */
  public Future<Void> unload(String name) {
    boolean known = records.forgetStanding(name);
    ServedModel model = routing.remove(name);
    if (model == null) {
      return known ? Future.succeededFuture()
          : Future.failedFuture(new ConfigException("no model named " + name + " is served"));
    }
    return retire(model);
  }

  /**
   * Unloads the model because its plugin is going away, but remembers its config: it loads
   * again when a plugin provides its family.
   */
  public Future<Void> unloadToPending(ServedModel model) {
    if (routing.remove(model)) {
      records.waitForPlugin(model.config());
    }
    return retire(model);
  }

  private Future<Void> retire(ServedModel model) {
    model.state(ModelState.DRAINING, "replaced or unloaded; finishing queued requests");
    routing.startDraining(model);
    return drain(model)
        .compose(v -> deployer.undeploy(model))
        .onComplete(v -> {
          model.state(ModelState.UNAVAILABLE, "unloaded");
          routing.drained(model);
          LOG.info("model {} v{} unloaded", model.name(), model.version());
        });
  }

  /** Waits until the queue is empty (workers keep pulling meanwhile), then closes it. */
  private Future<Void> drain(ServedModel model) {
    Promise<Void> drained = Promise.promise();
    awaitEmpty(model, System.nanoTime() + DRAIN_LIMIT_NANOS, drained);
    return drained.future();
  }

  private void awaitEmpty(ServedModel model, long giveUpAt, Promise<Void> drained) {
    if (model.queue().size() > 0 && System.nanoTime() < giveUpAt) {
      vertx.setTimer(10, id -> awaitEmpty(model, giveUpAt, drained));
      return;
    }
    for (InferenceRequest r : model.queue().close()) {
      r.fail(ErrorCode.UNAVAILABLE, "model " + model.name() + " was unloaded");
    }
    drained.complete();
  }

  /** Unloads every model, then stops the preprocessing threads. */
  public Future<Void> close() {
    List<Future<Void>> all = new ArrayList<>();
    for (ServedModel m : routing.current()) {
      all.add(unload(m.name()));
    }
    return Future.join(all).<Void>mapEmpty().onComplete(v -> preprocessing.close());
  }
}
