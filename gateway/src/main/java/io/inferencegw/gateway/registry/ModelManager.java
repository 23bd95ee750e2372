package io.inferencegw.gateway.registry;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.batching.ModelQueue;
import io.inferencegw.gateway.config.ConfigException;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.config.ResourceRef;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.worker.BatchRunner;
import io.inferencegw.gateway.worker.DeviceWorker;
import io.inferencegw.gateway.worker.ModelInputPreparer;
import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.weights.WeightLoader;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads, routes to and unloads served models: builds each model's queue and deploys its device
 * workers, one per (instance, device), each on its own single-thread worker pool.
 */
public final class ModelManager {

  private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);

  private final Vertx vertx;
  private final PluginRegistry plugins;
  private final Map<String, ServedModel> models = new ConcurrentHashMap<>();
  private final AtomicLong versions = new AtomicLong();
  private final InputLimits limits;

  public ModelManager(Vertx vertx, PluginRegistry plugins, InputLimits limits) {
    this.vertx = vertx;
    this.plugins = plugins;
    this.limits = limits;
  }

  /**
   * Loads a model: checks that its family and variant exist, reads labels and weights, deploys
   * its workers (each builds its replica, loads the weights strictly and warms up) and marks it
   * READY. A failure marks it FAILED with the reason and undeploys whatever had started.
   */
  public Future<ServedModel> load(ModelConfig config) {
    PluginRegistry.LoadedFamily loaded =
        plugins
            .family(config.family())
            .orElse(null);
    if (loaded == null) {
      return Future.failedFuture(
          new ConfigException(
              "model " + config.name() + ": no plugin provides family '" + config.family()
                  + "'; available: " + plugins.familyNames()));
    }
    ModelFamily family = loaded.family();
    VariantSpec spec;
    try {
      spec = family.requireVariant(config.variant());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new ConfigException("model " + config.name() + ": " + e.getMessage()));
    }
    return vertx
        .executeBlocking(() -> readInputs(config, spec))
        .compose(inputs -> deploy(config, family, spec, inputs));
  }

  private record LoadInputs(List<String> labels, WeightsSource weights) {}

  /** Weights on disk are memory-mapped by each replica; bundled ones are read once. */
  private record WeightsSource(ResourceRef ref, byte[] bytes) {
    void loadInto(ClassifierModule module) {
      if (bytes != null) {
        WeightLoader.loadStrict(module, bytes, ref.describe());
      } else {
        WeightLoader.loadStrict(module, ref.path().orElseThrow());
      }
    }
  }

  private static LoadInputs readInputs(ModelConfig config, VariantSpec spec) throws IOException {
    List<String> labels = List.of();
    if (config.labels().isPresent()) {
      ResourceRef ref = config.labels().get();
      labels =
          new String(ref.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .map(String::strip)
              .filter(l -> !l.isEmpty())
              .toList();
      if (labels.size() != spec.numClasses()) {
        throw new ConfigException(
            "model " + config.name() + ": labels file " + ref.describe() + " has " + labels.size()
                + " labels but variant " + spec.name() + " has " + spec.numClasses() + " classes");
      }
    }
    ResourceRef weights = config.weights();
    byte[] bytes = weights.path().isPresent() ? null : weights.readAllBytes();
    return new LoadInputs(labels, new WeightsSource(weights, bytes));
  }

  private Future<ServedModel> deploy(
      ModelConfig config, ModelFamily family, VariantSpec spec, LoadInputs inputs) {
    String version = Long.toString(versions.incrementAndGet());
    ServedModel model =
        new ServedModel(config, version, spec, inputs.labels(), new ModelQueue(config.name(), config.batching()));
    List<Future<String>> deployments = new ArrayList<>();
    for (String device : config.devices()) {
      for (int i = 0; i < config.instances(); i++) {
        String workerName = config.name() + "/v" + version + "@" + device + "#" + i;
        Supplier<BatchRunner> replica =
            () -> {
              ClassifierModule network = family.build(spec.name());
              try {
                inputs.weights().loadInto(network);
                return new BatchRunner(
                    config.name(), version, spec, network, device, new ModelInputPreparer(spec, limits));
              } catch (RuntimeException e) {
                network.close();
                throw e;
              }
            };
        DeploymentOptions options =
            new DeploymentOptions()
                .setThreadingModel(ThreadingModel.WORKER)
                .setWorkerPoolName("device-" + workerName)
                .setWorkerPoolSize(1);
        deployments.add(
            vertx.deployVerticle(new DeviceWorker(workerName, model.queue(), replica), options));
      }
    }
    return Future.join(deployments)
        .transform(
            ar -> {
              deployments.stream()
                  .filter(Future::succeeded)
                  .forEach(d -> model.workerDeployments().add(d.result()));
              if (ar.succeeded()) {
                model.state(ModelState.READY, "");
                ServedModel previous = models.put(config.name(), model);
                LOG.info(
                    "model {} v{} READY ({} {}, {} worker(s))",
                    config.name(), version, config.family(), spec.name(), deployments.size());
                if (previous != null) {
                  return retire(previous).map(model);
                }
                return Future.succeededFuture(model);
              }
              String reason =
                  deployments.stream()
                      .filter(Future::failed)
                      .map(f -> String.valueOf(f.cause().getMessage()))
                      .findFirst()
                      .orElse("unknown");
              model.state(ModelState.FAILED, reason);
              LOG.error("model {} failed to load: {}", config.name(), reason);
              return undeployWorkers(model)
                  .transform(
                      x ->
                          Future.failedFuture(
                              new ConfigException(
                                  "model " + config.name() + " failed to load: " + reason)));
            });
  }

  /** The model a request names; an empty version means the current one. */
  public Optional<ServedModel> resolve(String name, String version) {
    ServedModel m = models.get(name);
    if (m == null || (!version.isEmpty() && !version.equals(m.version()))) {
      return Optional.empty();
    }
    return Optional.of(m);
  }

  public Collection<ServedModel> models() {
    return List.copyOf(models.values());
  }

  /** Stops admitting to the model, lets queued requests finish, then undeploys its workers. */
  public Future<Void> unload(String name) {
    ServedModel model = models.remove(name);
    if (model == null) {
      return Future.failedFuture(new ConfigException("no model named " + name));
    }
    return retire(model);
  }

  private Future<Void> retire(ServedModel model) {
    model.state(ModelState.DRAINING, "unloading");
    return drain(model)
        .compose(v -> undeployWorkers(model))
        .onComplete(v -> model.state(ModelState.UNAVAILABLE, "unloaded"));
  }

  /** Waits until the queue is empty (workers keep pulling meanwhile), then closes it. */
  private Future<Void> drain(ServedModel model) {
    io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
    long giveUpAt = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    awaitEmpty(model, giveUpAt, drained);
    return drained.future();
  }

  private void awaitEmpty(ServedModel model, long giveUpAt, io.vertx.core.Promise<Void> drained) {
    if (model.queue().size() > 0 && System.nanoTime() < giveUpAt) {
      vertx.setTimer(10, id -> awaitEmpty(model, giveUpAt, drained));
      return;
    }
    for (InferenceRequest r : model.queue().close()) {
      r.fail(ErrorCode.UNAVAILABLE, "model " + model.name() + " was unloaded");
    }
    drained.complete();
  }

  private Future<Void> undeployWorkers(ServedModel model) {
    List<Future<Void>> undeploys = new ArrayList<>();
    for (String id : model.workerDeployments()) {
      undeploys.add(vertx.undeploy(id));
    }
    model.workerDeployments().clear();
    return Future.join(undeploys).mapEmpty();
  }

  /** Unloads every model. */
  public Future<Void> close() {
    List<Future<Void>> all = new ArrayList<>();
    for (String name : List.copyOf(models.keySet())) {
      all.add(unload(name));
    }
    return Future.join(all).mapEmpty();
  }
}
