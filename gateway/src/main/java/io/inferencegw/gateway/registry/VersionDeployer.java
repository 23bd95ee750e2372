package io.inferencegw.gateway.registry;

import io.inferencegw.gateway.batching.ModelQueue;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ServingMetrics;
import io.inferencegw.gateway.worker.DeviceWorker;
import io.inferencegw.gateway.worker.ModelInputPreparer;
import io.inferencegw.gateway.worker.ModelInputStage;
import io.inferencegw.gateway.worker.PreprocessPool;
import io.inferencegw.gateway.worker.ReplicaBuilder;
import io.inferencegw.plugin.api.VariantSpec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a model version on its devices and takes it off: its queue, and one device worker per
 * (instance, device), each on a thread of its own that builds its replica ({@link
 * ReplicaBuilder}) and pulls batches from the queue. Routing to the version is not its concern.
 */
final class VersionDeployer {

  private static final Logger LOG = LoggerFactory.getLogger(VersionDeployer.class);

  private final Vertx vertx;
  private final InputLimits limits;
  private final ServingMetrics metrics;
  private final PreprocessPool preprocessing;

  VersionDeployer(Vertx vertx, InputLimits limits, ServingMetrics metrics,
      PreprocessPool preprocessing) {
    this.vertx = vertx;
    this.limits = limits;
    this.metrics = metrics;
    this.preprocessing = preprocessing;
  }

  /**
   * Deploys every replica of the version and completes, READY, when all are warm; if one fails,
   * the others are undeployed and the future fails with a {@link ModelLoadException}.
   */
  Future<ServedModel> deploy(ModelConfig config, PluginRegistry.LoadedFamily loaded,
      VariantSpec spec, String version, ModelFiles files) {
    ServedModel model =
        new ServedModel(config, loaded, version, spec, files.labels(),
            new ModelQueue(config.name(), config.batching(), new ModelInputStage(config.name(),
                new ModelInputPreparer(spec, limits, config.preprocessing()), preprocessing)));
    List<Future<String>> deployments = new ArrayList<>();
    for (String device : config.devices()) {
      for (int i = 0; i < config.instances(); i++) {
        String workerName = config.name() + "/v" + version + "@" + device + "#" + i;
        ReplicaBuilder replica = new ReplicaBuilder(config, version, spec, loaded.family(),
            files.weights(), device, limits);
        DeploymentOptions options =
            new DeploymentOptions()
                .setThreadingModel(ThreadingModel.WORKER)
                .setWorkerPoolName("device-" + workerName)
                .setWorkerPoolSize(1);
        deployments.add(
            vertx.deployVerticle(new DeviceWorker(workerName, model.queue(), replica,
                (size, busyNanos) -> metrics.batchRun(config.name(), version, device,
                    workerName, size, busyNanos),
                profile -> model.profiled(
                    new ServedModel.ReplicaProfile(workerName, device, profile))), options));
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
                metrics.versionServing(config.name(), version, model.queue()::size,
                    model.queue()::inFlight);
                LOG.info("model {} v{} ready ({} {}, {} worker(s), plugin {})", config.name(),
                    version, config.family(), spec.name(), deployments.size(), loaded.plugin());
                return Future.succeededFuture(model);
              }
              Throwable cause =
                  deployments.stream()
                      .filter(Future::failed)
                      .map(Future::cause)
                      .findFirst()
                      .orElse(ar.cause());
              return discard(model)
                  .transform(x -> Future.failedFuture(new ModelLoadException(
                      ModelLoadException.kindOf(cause),
                      "model " + config.name() + " v" + version + " failed to load: "
                          + cause.getMessage(), cause)));
            });
  }

  /** Throws away a version that never served: its queue closes, its workers go. */
  Future<Void> discard(ServedModel model) {
    model.state(ModelState.UNAVAILABLE, "discarded");
    model.queue().close();
    return undeploy(model);
  }

  /** Undeploys the version's workers (each closes its replica) and drops its metrics. */
  Future<Void> undeploy(ServedModel model) {
    metrics.versionRetired(model.name(), model.version());
    List<Future<Void>> undeploys = new ArrayList<>();
    for (String id : model.workerDeployments()) {
      undeploys.add(vertx.undeploy(id));
    }
    model.workerDeployments().clear();
    return Future.join(undeploys).mapEmpty();
  }
}
