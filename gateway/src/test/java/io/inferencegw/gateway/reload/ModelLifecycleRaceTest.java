package io.inferencegw.gateway.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.ManagementConfig;
import io.inferencegw.gateway.server.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Management calls and plugin events change what is served one at a time, in the order they
 * arrive: an unload sent while a plugin upgrade is building the model's next version waits for
 * the upgrade and then unloads that version, instead of being undone by the upgrade's switch.
 *
 * <p>The upgrade's plugin builds its network only once the test lets it (a latch file), so the
 * unload is sure to arrive in the middle of the upgrade.
 */
@ExtendWith(VertxExtension.class)
class ModelLifecycleRaceTest {

  private static final String MODEL = "fashion-lenet";
  private static final String LATCH_PROPERTY = "lifecycle.test.latch";

  /** A LeNet-5 (keys and shapes of the bundled weights) built once the latch file exists. */
  private static final String GATED_BUILD = """
      java.nio.file.Path latch = java.nio.file.Path.of(System.getProperty("%s"));
      while (!java.nio.file.Files.exists(latch)) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      org.bytedeco.pytorch.Conv2dOptions o1 = new org.bytedeco.pytorch.Conv2dOptions(1, 6,
          new org.bytedeco.javacpp.LongPointer(5, 5));
      o1.padding().put(new org.bytedeco.javacpp.LongPointer(2, 2));
      ClassifierModule m = new ClassifierModule() {
        final org.bytedeco.pytorch.Conv2dImpl c1 =
            register_module("conv1", new org.bytedeco.pytorch.Conv2dImpl(o1));
        final org.bytedeco.pytorch.Conv2dImpl c2 = register_module("conv2",
            new org.bytedeco.pytorch.Conv2dImpl(new org.bytedeco.pytorch.Conv2dOptions(6, 16,
                new org.bytedeco.javacpp.LongPointer(5, 5))));
        final org.bytedeco.pytorch.Conv2dImpl c3 = register_module("conv3",
            new org.bytedeco.pytorch.Conv2dImpl(new org.bytedeco.pytorch.Conv2dOptions(16, 120,
                new org.bytedeco.javacpp.LongPointer(5, 5))));
        final org.bytedeco.pytorch.LinearImpl f1 =
            register_module("fc1", new org.bytedeco.pytorch.LinearImpl(120, 84));
        final org.bytedeco.pytorch.LinearImpl f2 =
            register_module("fc2", new org.bytedeco.pytorch.LinearImpl(84, 10));

        public org.bytedeco.pytorch.Tensor forward(org.bytedeco.pytorch.Tensor x) {
          x = org.bytedeco.pytorch.global.torch.max_pool2d(
              org.bytedeco.pytorch.global.torch.relu(c1.forward(x)), 2, 2);
          x = org.bytedeco.pytorch.global.torch.max_pool2d(
              org.bytedeco.pytorch.global.torch.relu(c2.forward(x)), 2, 2);
          x = org.bytedeco.pytorch.global.torch.flatten(
              org.bytedeco.pytorch.global.torch.relu(c3.forward(x)), 1, -1);
          return f2.forward(org.bytedeco.pytorch.global.torch.relu(f1.forward(x)));
        }
      };
      return m;""".formatted(LATCH_PROPERTY);

  @TempDir Path plugins;
  @TempDir Path work;

  @AfterEach
  void clearLatch() {
    System.clearProperty(LATCH_PROPERTY);
  }

  @Test
  void anUnloadDuringAPluginUpgradeIsNotUndoneByIt(Vertx vertx) throws Exception {
    Path latch = work.resolve("build-now");
    System.setProperty(LATCH_PROPERTY, latch.toString());
    PluginJars.deploy(PluginJars.LENET, plugins, "lenet.jar");
    GatewayConfig config = ConfigLoader.loadBundled(plugins).withPort(0)
        .withManagement(new ManagementConfig(Optional.empty(), ManagementConfig.LOOPBACK));
    Gateway gateway = Gateway.start(vertx, config).await(60, TimeUnit.SECONDS);
    try {
      Path gated = PluginJars.compiled(work, work.resolve("gated.jar"), "lenet", "1.0.1",
          "GatedLenet", PluginJars.lenetFamilySource("GatedLenet", GATED_BUILD));
      Future<Void> upgrade = gateway.reloader().jarReady(gated);
      // The new version's replica thread exists and waits for the latch: the upgrade is under
      // way and cannot finish before the unload is sent.
      String before = gateway.models().resolve(MODEL, "").orElseThrow().version();
      String nextWorker = "device-" + MODEL + "/v" + (Integer.parseInt(before) + 1) + "@";
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (Thread.getAllStackTraces().keySet().stream()
          .noneMatch(t -> t.getName().startsWith(nextWorker))) {
        assertTrue(System.nanoTime() < giveUp, "no thread " + nextWorker + "* appeared");
        Thread.onSpinWait();
      }
      CompletableFuture<HttpResponse<String>> unload = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1).build()
          .sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                  + "/v2/repository/models/" + MODEL + "/unload"))
              .timeout(Duration.ofSeconds(60))
              .POST(HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.ofString());
      // The unload waits its turn behind the upgrade (a bounded look, not a proof of absence).
      assertFalse(awaitDone(unload, 300), "the unload ran while the upgrade was under way");
      Files.createFile(latch);

      upgrade.await(60, TimeUnit.SECONDS);
      HttpResponse<String> unloaded = unload.get(60, TimeUnit.SECONDS);
      assertEquals(200, unloaded.statusCode(), unloaded.body());
      assertEquals("1.0.1", gateway.plugins().active("lenet").orElseThrow().version(),
          "the upgrade took place");
      assertTrue(gateway.models().resolve(MODEL, "").isEmpty(),
          "the unload came last, so no version of the model is served");
    } finally {
      if (!Files.exists(latch)) {
        Files.createFile(latch);
      }
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  private static boolean awaitDone(CompletableFuture<?> f, long millis) throws Exception {
    try {
      f.get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
  }
}
