package io.inferencegw.gateway.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.batching.InferenceResult;
import io.inferencegw.gateway.batching.ModelQueue;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.gateway.core.ServingMetrics;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.plugin.api.testing.Await;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A version prepared beside the current one and then discarded, as when a swap is called off:
 * it never serves, its workers are undeployed and its queue refuses requests, and the current
 * version serves before, during and after.
 */
class ModelManagerDiscardTest {

  private Vertx vertx;
  private PluginRegistry plugins;
  private ModelManager models;
  /** Requests each version ran in batches, by version. */
  private final Map<String, Integer> computedByVersion = new ConcurrentHashMap<>();
  private final List<String> retired = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    plugins = new PluginRegistry(TestGateways.PLUGINS);
    plugins.activate(new PluginLoader().load(TestGateways.PLUGINS.resolve("plugin-lenet.jar")));
    models = new ModelManager(vertx, plugins, InputLimits.DEFAULT, new ServingMetrics() {
      @Override
      public void batchRun(String model, String version, String device, String replica,
          int size, long busyNanos) {
        computedByVersion.merge(version, size, Integer::sum);
      }

      @Override
      public void versionRetired(String model, String version) {
        retired.add(model + " v" + version);
      }
    });
  }

  @AfterEach
  void tearDown() throws Exception {
    models.close().await(60, TimeUnit.SECONDS);
    plugins.close();
    vertx.close().await(60, TimeUnit.SECONDS);
  }

  @Test
  void aDiscardedVersionNeverServesAndTheCurrentOneKeepsServing() throws Exception {
    ModelConfig config = TestGateways.bundledLenet();
    String name = config.name();
    ServedModel current = models.load(config).await(60, TimeUnit.SECONDS);
    assertEquals(current.version(), answer(current).version());

    ServedModel prepared = models.prepare(config, plugins.family(config.family()).orElseThrow())
        .await(60, TimeUnit.SECONDS);
    assertNotEquals(current.version(), prepared.version());
    assertEquals(ModelState.READY, prepared.state(), prepared.reason());
    List<String> preparedWorkers = List.copyOf(prepared.workerDeployments());
    assertEquals(config.instances() * config.devices().size(), preparedWorkers.size(),
        "one worker per instance and device");
    assertTrue(vertx.deploymentIDs().containsAll(preparedWorkers), "its workers are running");
    // Prepared, not routed: neither a request by name nor one pinned to it reaches it.
    assertSame(current, models.resolve(name, "").orElseThrow());
    assertTrue(models.resolve(name, prepared.version()).isEmpty(), "pinned to the new version");
    assertEquals(current.version(), answer(current).version());

    models.discard(prepared).await(60, TimeUnit.SECONDS);

    assertEquals(ModelState.UNAVAILABLE, prepared.state());
    assertEquals(ModelQueue.Admission.CLOSED, prepared.queue().offer(request()),
        "the discarded version's queue refuses requests");
    for (String worker : preparedWorkers) {
      assertFalse(vertx.deploymentIDs().contains(worker), "worker " + worker + " undeployed");
    }
    assertEquals(List.of(name + " v" + prepared.version()), retired,
        "the discarded version's metrics are removed, and only its");
    assertFalse(computedByVersion.containsKey(prepared.version()),
        "the discarded version never ran a request: " + computedByVersion);

    assertSame(current, models.resolve(name, "").orElseThrow());
    assertEquals(ModelState.READY, current.state());
    assertTrue(vertx.deploymentIDs().containsAll(current.workerDeployments()),
        "the current version's workers still run");
    assertEquals(List.of(current.version()), models.index().stream()
        .filter(s -> s.name().equals(name)).map(ModelStatus::version).toList(),
        "only the current version is listed");
    assertEquals(current.version(), answer(current).version());
    // A worker reports its batch once every request of it is answered.
    Await.until("the current version to have computed all 3 requests",
        () -> computedByVersion.getOrDefault(current.version(), 0) == 3);
  }

  /** Sends a request straight to this version's queue and waits for its answer. */
  private InferenceResult answer(ServedModel model) throws Exception {
    InferenceRequest r = request();
    assertEquals(ModelQueue.Admission.ADMITTED, model.queue().offer(r));
    return r.result().await(30, TimeUnit.SECONDS);
  }

  /** A black 28x28 image as the network's input tensor. */
  private InferenceRequest request() {
    return new InferenceRequest(
        new ModelInput.PreprocessedTensor(List.of(1L, 28L, 28L), new byte[28 * 28 * 4]), 5,
        false, Long.MAX_VALUE, vertx.getOrCreateContext());
  }
}
