package io.inferencegw.gateway.reload;

import io.inferencegw.gateway.e2e.TestGateways;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.admission.ModelRouting;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.registry.LoadedPlugin;
import io.inferencegw.gateway.registry.ModelState;
import io.inferencegw.gateway.registry.ModelStatus;
import io.inferencegw.gateway.registry.PluginRegistry;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin JARs dropped into, replaced in and removed from the plugins directory of a running
 * gateway, with clients calling all along.
 */
@ExtendWith(VertxExtension.class)
class HotReloadEndToEndTest {

  /** Clients calling in a loop during a swap. */
  private static final int CALLERS = 16;

  @TempDir Path plugins;
  @TempDir Path work;

  private Vertx vertx;
  private Gateway gateway;
  private GatewayClient client;
  private byte[] image;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    image = FashionMnist.isInstalled() ? FashionMnist.testSet().png(0) : samplePng();
  }

  private static byte[] samplePng() throws Exception {
    return Files.readAllBytes(Path.of("../deploy/samples/bag.png"));
  }

  private void startGateway() throws Exception {
    startGateway(ConfigLoader.loadBundled(plugins).withPort(0));
  }

  private void startGateway(GatewayConfig config) throws Exception {
    gateway = Gateway.start(vertx, config).await(60, TimeUnit.SECONDS);
    client = new GatewayClient(vertx, "localhost", gateway.port());
  }

  @AfterEach
  void tearDown() throws Exception {
    TestGateways.close(client, gateway);
  }

  private ClassifyRequest request() {
    return ClassifyRequest.newBuilder().setModel("fashion-lenet")
        .setImage(ByteString.copyFrom(image)).build();
  }

  private static GrpcStatus statusOf(Future<?> call) throws Exception {
    try {
      call.await(30, TimeUnit.SECONDS);
      return GrpcStatus.OK;
    } catch (GatewayClient.CallFailed e) {
      return e.status();
    } catch (GrpcErrorException e) {
      return e.status();
    }
  }

  private String activeVersion(String pluginId) {
    return gateway.plugins().active(pluginId).map(LoadedPlugin::version).orElse("");
  }

  private String failureFor(String file) {
    return gateway.plugins().status().stream()
        .filter(s -> s.file().equals(file) && s.state().equals("FAILED"))
        .map(PluginRegistry.PluginStatus::reason).findFirst().orElse(null);
  }

  @Test
  void aNewJarServesItsWaitingModels() throws Exception {
    startGateway(); // empty plugins directory: fashion-lenet waits for its family
    assertEquals(GrpcStatus.NOT_FOUND, statusOf(client.classify(request())));
    assertTrue(gateway.models().index().stream().anyMatch(s -> s.name().equals("fashion-lenet")
        && s.state() == ModelState.UNAVAILABLE && s.reason().contains("lenet")));

    PluginJars.deploy(PluginJars.LENET, plugins, "lenet.jar");
    Await.until("fashion-lenet to be served",
        () -> gateway.models().resolve("fashion-lenet", "").isPresent());
    assertTrue(client.listModels().await(10, TimeUnit.SECONDS).getCatalogList().stream()
        .anyMatch(v -> v.getFamily().equals("lenet")));
    assertEquals(GrpcStatus.OK, statusOf(client.classify(request())));
  }

  @Test
  void aHigherVersionSwapsUnderLoadWithoutAFailedRequest() throws Exception {
    PluginJars.deploy(PluginJars.LENET, plugins, "lenet.jar");
    startGateway();
    LoadedPlugin old = gateway.plugins().active("lenet").orElseThrow();
    WeakReference<ClassLoader> oldLoader = new WeakReference<>(classLoaderOf(old));
    old = null;

    AtomicBoolean running = new AtomicBoolean(true);
    Map<String, AtomicInteger> okByVersion = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> wentBack = new ConcurrentLinkedQueue<>();
    List<Future<Void>> loops = new ArrayList<>();
    for (int c = 0; c < CALLERS; c++) {
      Promise<Void> done = Promise.promise();
      loops.add(done.future());
      vertx.runOnContext(v -> callLoop(running, okByVersion, failures, wentBack, "0", done));
    }
    String before = gateway.models().resolve("fashion-lenet", "").orElseThrow().version();
    Await.until("the callers to be answered by v" + before,
        () -> answered(okByVersion, before) >= 2 * CALLERS);
    PluginJars.withVersion(PluginJars.LENET, work.resolve("lenet-1.0.1.jar"), "1.0.1");
    PluginJars.deploy(work.resolve("lenet-1.0.1.jar"), plugins, "lenet.jar");
    Await.until("plugin 1.0.1 to be active", () -> activeVersion("lenet").equals("1.0.1"));
    Await.until("the old version to be unloaded",
        () -> gateway.models().index().stream().noneMatch(s -> s.version().equals(before)));
    String after = gateway.models().resolve("fashion-lenet", "").orElseThrow().version();
    Await.until("the callers to be answered by v" + after,
        () -> answered(okByVersion, after) >= 2 * CALLERS);
    running.set(false);
    Future.all(loops).await(30, TimeUnit.SECONDS);

    assertTrue(failures.isEmpty(), "failed requests during the swap: " + failures);
    assertTrue(wentBack.isEmpty(), "responses went back to an older version: " + wentBack);
    assertFalse(after.equals(before), "the model version changed");
    assertEquals("1.0.1",
        gateway.models().resolve("fashion-lenet", "").orElseThrow().plugin().version());
    ClassifyResponse r = client.classify(request()).await(10, TimeUnit.SECONDS);
    assertEquals(after, r.getVersion());
    Await.collected(oldLoader, "the replaced plugin's class loader");
  }

  private static int answered(Map<String, AtomicInteger> okByVersion, String version) {
    AtomicInteger count = okByVersion.get(version);
    return count == null ? 0 : count.get();
  }

  /**
   * Calls until stopped; counts the answers of each version, records failures and any response
   * older than the last one seen.
   */
  private void callLoop(AtomicBoolean running, Map<String, AtomicInteger> okByVersion,
      ConcurrentLinkedQueue<String> failures, ConcurrentLinkedQueue<String> wentBack,
      String lastVersion, Promise<Void> done) {
    if (!running.get()) {
      done.complete();
      return;
    }
    client.classify(request()).onComplete(ar -> {
      String last = lastVersion;
      if (ar.succeeded()) {
        String v = ar.result().getVersion();
        okByVersion.computeIfAbsent(v, k -> new AtomicInteger()).incrementAndGet();
        if (Integer.parseInt(v) < Integer.parseInt(last)) {
          wentBack.add(last + " -> " + v);
        }
        last = v;
      } else {
        failures.add(String.valueOf(ar.cause()));
      }
      callLoop(running, okByVersion, failures, wentBack, last, done);
    });
  }

  static ClassLoader classLoaderOf(LoadedPlugin plugin) {
    return plugin.families().values().iterator().next().getClass().getClassLoader();
  }

  @Test
  void aRemovedJarDrainsItsModelsThenTheyAreNotFound() throws Exception {
    PluginJars.deploy(PluginJars.LENET, plugins, "lenet.jar");
    // Batches wait a second, so the drain is long enough to observe.
    GatewayConfig bundled = ConfigLoader.loadBundled(plugins).withPort(0);
    startGateway(bundled.withModels(List.of(bundled.models().get(0).withBatching(
        new BatchingConfig(64, 1_000_000, 64)))));
    List<Future<ClassifyResponse>> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      queued.add(client.classify(request()));
    }
    String draining = gateway.models().resolve("fashion-lenet", "").orElseThrow().version();
    Await.until("3 requests to be queued",
        () -> gateway.models().resolve("fashion-lenet", "").orElseThrow().queue().size() == 3);
    Files.delete(plugins.resolve("lenet.jar"));
    Await.until("the model to be draining", () -> gateway.models().resolve("fashion-lenet", "")
        .map(m -> m.state() == ModelState.DRAINING).orElse(false));
    assertEquals(GrpcStatus.UNAVAILABLE, statusOf(client.classify(request())),
        "a new request during the drain");
    for (Future<ClassifyResponse> f : queued) {
      ClassifyResponse answer = f.await(10, TimeUnit.SECONDS);
      assertEquals(draining, answer.getVersion(),
          "a queued request is answered by the draining version");
      assertEquals(ModelRouting.DEFAULT_TOP_K, answer.getPredictionsCount(),
          "a queued request gets a full answer (the default top-k predictions)");
    }
    Await.until("fashion-lenet to be gone",
        () -> gateway.models().resolve("fashion-lenet", "").isEmpty());
    assertEquals(GrpcStatus.NOT_FOUND, statusOf(client.classify(request())));
    Await.until("the plugin to be unloaded", () -> gateway.plugins().active("lenet").isEmpty());
    assertTrue(client.listModels().await(10, TimeUnit.SECONDS).getCatalogList().isEmpty());
    // Back again: the model was remembered and loads with the plugin.
    PluginJars.deploy(PluginJars.LENET, plugins, "lenet.jar");
    Await.until("fashion-lenet to be served again",
        () -> gateway.models().resolve("fashion-lenet", "").isPresent());
    assertEquals(GrpcStatus.OK, statusOf(client.classify(request())));
  }

  @Test
  void brokenJarsAreReportedAndNothingStopsServing() throws Exception {
    PluginJars.deploy(PluginJars.LENET, plugins, "lenet.jar");
    startGateway();

    byte[] garbage = new byte[20_000];
    new Random(3).nextBytes(garbage);
    Files.write(work.resolve("corrupt.jar"), garbage);
    PluginJars.deploy(work.resolve("corrupt.jar"), plugins, "corrupt.jar");
    PluginJars.deploy(PluginJars.withoutManifest(work.resolve("nomanifest.jar")), plugins,
        "nomanifest.jar");
    PluginJars.deploy(PluginJars.withManifest(PluginJars.LENET, work.resolve("future.jar"),
        Map.of("Plugin-Version", "2.0.0", "Plugin-Requires", ">=9.0.0")), plugins, "future.jar");
    PluginJars.deploy(PluginJars.compiled(work, work.resolve("throws.jar"), "lenet", "1.1.0",
        "ThrowingLenet", PluginJars.lenetFamilySource("ThrowingLenet",
            "throw new IllegalStateException(\"network construction failed on purpose\");")),
        plugins, "throws.jar");
    PluginJars.deploy(PluginJars.compiled(work, work.resolve("twice.jar"), "lenet", "1.1.1",
        "TwiceLenet", PluginJars.lenetFamilyTwiceSource("TwiceLenet")), plugins, "twice.jar");

    Await.until("every broken jar to be reported", () -> failureFor("corrupt.jar") != null
        && failureFor("nomanifest.jar") != null && failureFor("future.jar") != null
        && failureFor("throws.jar") != null && failureFor("twice.jar") != null);
    assertTrue(failureFor("corrupt.jar").contains("not a valid JAR"), failureFor("corrupt.jar"));
    assertTrue(failureFor("nomanifest.jar").contains("no manifest"), failureFor("nomanifest.jar"));
    assertTrue(failureFor("future.jar").contains("requires plugin API >=9.0.0"),
        failureFor("future.jar"));
    assertTrue(failureFor("throws.jar").contains("network construction failed on purpose"),
        failureFor("throws.jar"));
    // a plugin may provide several families, but not two of one name: one would be hidden
    assertTrue(failureFor("twice.jar").contains("provides family lenet twice"),
        failureFor("twice.jar"));

    PluginJars.deploy(PluginJars.compiled(work, work.resolve("misfit.jar"), "lenet", "1.2.0",
        "MisfitLenet", PluginJars.lenetFamilySource("MisfitLenet", """
            ClassifierModule m = new ClassifierModule() {
              public org.bytedeco.pytorch.Tensor forward(org.bytedeco.pytorch.Tensor x) {
                return x;
              }
            };
            m.register_module("fc", new org.bytedeco.pytorch.LinearImpl(784, 10));
            return m;""")), plugins, "misfit.jar");
    Await.until("the misfit jar to be reported", () -> failureFor("misfit.jar") != null);
    assertTrue(failureFor("misfit.jar").contains("fc.weight"), failureFor("misfit.jar"));

    assertEquals("1.0.0", activeVersion("lenet"), "the old version keeps serving");
    assertEquals(GrpcStatus.OK, statusOf(client.classify(request())));
    assertTrue(gateway.models().index().stream().map(ModelStatus::state)
        .allMatch(s -> s == ModelState.READY), "no half-loaded model is left");
  }

  @Test
  void aJarStillBeingWrittenIsLoadedOnlyOnceComplete() throws Exception {
    PluginJars.deploy(PluginJars.LENET, plugins, "lenet.jar");
    startGateway();
    Path big = PluginJars.padded(PluginJars.LENET, work.resolve("big.jar"), "1.0.5", 8 * 1024 * 1024);
    Path target = plugins.resolve("lenet-big.jar");
    Thread writer = new Thread(() -> {
      try {
        PluginJars.writeSlowly(big, target, 40, 75); // about 3 s
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    writer.start();
    // Checked all along the copy, every 50 ms until the writer is done (join returns early then).
    do {
      assertEquals("1.0.0", activeVersion("lenet"), "loaded before the copy finished");
      assertNull(failureFor("lenet-big.jar"), "a half-written jar was reported broken");
      writer.join(50);
    } while (writer.isAlive());
    Await.until("the complete jar to be loaded", () -> activeVersion("lenet").equals("1.0.5"));
    assertEquals(GrpcStatus.OK, statusOf(client.classify(request())));
  }
}
