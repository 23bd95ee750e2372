package io.inferencegw.gateway.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.config.ResourceRef;
import io.inferencegw.gateway.registry.LoadedPlugin;
import io.inferencegw.gateway.registry.ModelState;
import io.inferencegw.gateway.registry.PluginLoader;
import io.inferencegw.gateway.registry.PluginRegistry;
import io.inferencegw.gateway.registry.ServedModel;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.plugin.api.weights.SafetensorsWriter;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.inferencegw.proto.v1.ListModelsResponse;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin that provides several families, through the real gateway: the resnet plugin (resnet,
 * resnext and wide_resnet) serves a model of two of its families side by side, an upgrade of it
 * rebuilds both, an upgrade that adds a family loads the models waiting for it, and a model
 * moves to it from a removed plugin that provided the same family.
 */
@ExtendWith(VertxExtension.class)
class MultiFamilyPluginEndToEndTest {

  /** The resnet plugin the build produced. */
  static final Path RESNET = Path.of("target/plugins/plugin-resnet.jar");
  static final String RESNET_FAMILY = "io.inferencegw.plugins.resnet.ResnetFamily";
  static final String RESNEXT_FAMILY = "io.inferencegw.plugins.resnet.ResnextFamily";
  /** Building and warming up resnext50 on a busy 2-core machine takes several seconds. */
  static final Duration LOADS = Duration.ofSeconds(120);

  /** Shared by the tests: the weights are written once. */
  @TempDir static Path weights;
  private static ModelConfig resnet;
  private static ModelConfig resnext;

  @TempDir Path plugins;
  @TempDir Path work;

  private Vertx vertx;
  private Gateway gateway;
  private GatewayClient client;
  private byte[] image;

  @BeforeAll
  static void writeWeights() throws Exception {
    // Random weights of the plugin's own networks, from a copy of it loaded apart from any
    // gateway: the smallest variant of each of two families.
    LoadedPlugin plugin = new PluginLoader().load(RESNET);
    try {
      resnet = model("small-resnet", plugin, "resnet", "resnet18");
      resnext = model("small-resnext", plugin, "resnext", "resnext50_32x4d");
    } finally {
      plugin.unload();
    }
  }

  private static ModelConfig model(String name, LoadedPlugin plugin, String family,
      String variant) {
    Path file = weights.resolve(variant + ".safetensors");
    try (ClassifierModule net = plugin.families().get(family).build(variant);
        PointerScope scope = new PointerScope()) {
      SafetensorsWriter.write(file, StateDict.of(net));
    }
    return new ModelConfig(name, family, variant, ResourceRef.file(file), Optional.empty(),
        List.of("cpu"), 1, TestGateways.ONE_AT_A_TIME);
  }

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    image = Files.readAllBytes(Path.of("../deploy/samples/bag.png"));
  }

  private void startGateway(ModelConfig... models) throws Exception {
    gateway = Gateway.start(vertx,
        ConfigLoader.loadBundled(plugins).withPort(0).withModels(List.of(models)))
        .await(LOADS.toSeconds(), TimeUnit.SECONDS);
    client = new GatewayClient(vertx, "localhost", gateway.port());
  }

  @AfterEach
  void tearDown() throws Exception {
    TestGateways.close(client, gateway);
  }

  @Test
  void oneJarServesTwoOfItsFamiliesAndAnUpgradeRebuildsBoth() throws Exception {
    PluginJars.deploy(RESNET, plugins, "resnet.jar");
    startGateway(resnet, resnext);
    LoadedPlugin old = gateway.plugins().active("resnet").orElseThrow();
    assertEquals(List.of("resnet", "resnext", "wide_resnet"), statusOf("resnet").families());
    assertEquals(Map.of("resnet", 5L, "resnext", 3L, "wide_resnet", 2L), catalogSizes());
    for (ModelConfig m : List.of(resnet, resnext)) {
      assertSame(old, served(m).plugin(), m.name() + " is built by the one resnet plugin");
    }
    String resnetBefore = classify(resnet).getVersion();
    String resnextBefore = classify(resnext).getVersion();
    WeakReference<ClassLoader> oldLoader =
        new WeakReference<>(HotReloadEndToEndTest.classLoaderOf(old));
    old = null;

    PluginJars.deploy(PluginJars.withVersion(RESNET, work.resolve("resnet-9.0.0.jar"), "9.0.0"),
        plugins, "resnet.jar");
    Await.until("both models to be rebuilt by resnet@9.0.0", LOADS,
        () -> servedBy(resnet, "9.0.0") && servedBy(resnext, "9.0.0"));
    Await.until("the old versions to be unloaded", () -> gateway.models().index().stream()
        .allMatch(s -> s.state() == ModelState.READY));
    assertNotEquals(resnetBefore, classify(resnet).getVersion(), "resnet18's version");
    assertNotEquals(resnextBefore, classify(resnext).getVersion(), "resnext50_32x4d's version");
    assertEquals(List.of("resnet", "resnext", "wide_resnet"), statusOf("resnet").families());
    Await.collected(oldLoader, "the upgraded plugin's class loader");
  }

  @Test
  void anUpgradeAddingAFamilyLoadsTheModelsWaitingForIt() throws Exception {
    PluginJars.deploy(PluginJars.withExtensions(RESNET, work.resolve("resnet-only.jar"),
        Map.of("Plugin-Version", "0.9.0"), List.of(RESNET_FAMILY)), plugins, "resnet.jar");
    startGateway(resnet, resnext);
    assertEquals(List.of("resnet"), statusOf("resnet").families());
    assertTrue(gateway.models().index().stream().anyMatch(s -> s.name().equals(resnext.name())
        && s.state() == ModelState.UNAVAILABLE && s.reason().contains("resnext")),
        "small-resnext waits for its family: " + gateway.models().index());

    PluginJars.deploy(RESNET, plugins, "resnet.jar");
    Await.until("small-resnext to be served", LOADS,
        () -> gateway.models().resolve(resnext.name(), "").isPresent());
    LoadedPlugin upgraded = gateway.plugins().active("resnet").orElseThrow();
    assertNotEquals("0.9.0", upgraded.version());
    assertSame(upgraded, served(resnext).plugin());
    Await.until("small-resnet to be rebuilt by the upgrade", LOADS,
        () -> servedBy(resnet, upgraded.version()));
    assertEquals(resnext.name(), classify(resnext).getModel());
    assertEquals(resnet.name(), classify(resnet).getModel());
  }

  @Test
  void aModelOfARemovedPluginMovesToAnotherThatProvidesItsFamily() throws Exception {
    // resnext in a plugin of its own, the resnet plugin then providing it too: as while an
    // operator replaces the one by the other
    PluginJars.deploy(PluginJars.withExtensions(RESNET, work.resolve("resnext.jar"),
        Map.of("Plugin-Id", "resnext", "Plugin-Version", "1.0.0"), List.of(RESNEXT_FAMILY)),
        plugins, "resnext.jar");
    startGateway(resnext);
    assertEquals("resnext", served(resnext).plugin().id());
    PluginJars.deploy(RESNET, plugins, "resnet.jar");
    Await.until("the resnet plugin to be active",
        () -> gateway.plugins().active("resnet").isPresent());
    assertEquals("resnext", served(resnext).plugin().id(), "the first provider keeps the family");
    assertEquals(3L, catalogSizes().get("resnext"), "resnext's variants are listed once");

    Files.delete(plugins.resolve("resnext.jar"));
    Await.until("small-resnext to move to the resnet plugin", LOADS,
        () -> gateway.models().resolve(resnext.name(), "")
            .map(m -> m.plugin().id().equals("resnet")).orElse(false));
    Await.until("the resnext plugin to be unloaded",
        () -> gateway.plugins().active("resnext").isEmpty());
    assertEquals(resnext.name(), classify(resnext).getModel());
  }

  private PluginRegistry.PluginStatus statusOf(String pluginId) {
    return gateway.plugins().status().stream().filter(s -> s.id().equals(pluginId))
        .findFirst().orElseThrow();
  }

  private ServedModel served(ModelConfig model) {
    return gateway.models().resolve(model.name(), "").orElseThrow();
  }

  private boolean servedBy(ModelConfig model, String pluginVersion) {
    return gateway.models().resolve(model.name(), "")
        .map(m -> m.plugin().version().equals(pluginVersion)).orElse(false);
  }

  /** Variants per family in the catalog clients get from ListModels. */
  private Map<String, Long> catalogSizes() throws Exception {
    ListModelsResponse list = client.listModels().await(10, TimeUnit.SECONDS);
    return list.getCatalogList().stream()
        .collect(Collectors.groupingBy(v -> v.getFamily(), Collectors.counting()));
  }

  private ClassifyResponse classify(ModelConfig model) throws Exception {
    return client.classify(ClassifyRequest.newBuilder().setModel(model.name())
        .setImage(ByteString.copyFrom(image)).build()).await(60, TimeUnit.SECONDS);
  }
}
