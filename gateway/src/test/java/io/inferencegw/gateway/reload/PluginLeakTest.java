package io.inferencegw.gateway.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.admission.ModelRouting;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading and unloading the same plugin many times releases its class loaders and native
 * memory: every cycle builds a replica, serves a request, drains, unloads.
 */
// Runs in a JVM of its own, with its whole heap touched at start (execution "memory" of the
// gateway pom): it bounds the growth of its process's RSS, which other test classes in the same
// JVM, or heap regions touched for the first time, would add to.
@Tag("memory")
@ExtendWith(VertxExtension.class)
class PluginLeakTest {

  static final int CYCLES = 50;
  /**
   * Allowed RSS growth between cycle 10 and cycle 50 (the figure is printed): 12 to 19 MiB
   * measured here, about a third of it class metadata. The bound leaves room for a slower
   * machine; a leak of 2 MiB a cycle fails it, and a leaked class loader fails the check below.
   */
  static final long RSS_GROWTH_LIMIT_BYTES = 64L * 1024 * 1024;

  @TempDir Path plugins;

  @Test
  void fiftyLoadUnloadCyclesReleaseClassLoadersAndMemory(Vertx vertx) throws Exception {
    // Without it, glibc's malloc adds an arena of a few MiB for each new pooled thread that
    // allocates, up to 8 per core: 50-80 MiB over the first 20 cycles, which hides a leak.
    assertEquals("2", System.getenv("MALLOC_ARENA_MAX"),
        "the test JVM runs with the malloc arenas that deploy/gateway.sh sets (the parent pom's"
            + " surefire environment)");
    Path jar = PluginJars.deploy(PluginJars.LENET, plugins, "lenet.jar");
    Gateway gateway =
        Gateway.start(vertx, ConfigLoader.loadBundled(plugins).withPort(0)).await(60, TimeUnit.SECONDS);
    byte[] png = Files.readAllBytes(Path.of("../deploy/samples/bag.png"));
    ClassifyRequest req = ClassifyRequest.newBuilder().setModel("fashion-lenet")
        .setImage(ByteString.copyFrom(png)).build();
    List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
    long rssAt10 = 0;
    try (GatewayClient client = new GatewayClient(vertx, "localhost", gateway.port())) {
      for (int i = 0; i < CYCLES; i++) {
        gateway.reloader().jarRemoved(jar).await(30, TimeUnit.SECONDS);
        assertTrue(gateway.models().resolve("fashion-lenet", "").isEmpty(),
            "cycle " + i + ": the model is unloaded with its plugin");
        gateway.reloader().jarReady(jar).await(30, TimeUnit.SECONDS);
        loaders.add(new WeakReference<>(
            HotReloadEndToEndTest.classLoaderOf(gateway.plugins().active("lenet").orElseThrow())));
        String loaded = gateway.models().resolve("fashion-lenet", "").orElseThrow().version();
        ClassifyResponse answer = client.classify(req).await(30, TimeUnit.SECONDS);
        assertEquals(loaded, answer.getVersion(),
            "cycle " + i + ": answered by the version loaded in this cycle");
        assertEquals(ModelRouting.DEFAULT_TOP_K, answer.getPredictionsCount(),
            "cycle " + i + ": a full answer (the default top-k predictions)");
        if (i == 9) {
          rssAt10 = rssOfLiveObjects();
        }
      }
      long rssAt50 = rssOfLiveObjects();
      System.out.printf("plugin load/unload: RSS %d MiB after 10 cycles, %d MiB after %d (growth %d MiB)%n",
          rssAt10 >> 20, rssAt50 >> 20, CYCLES, (rssAt50 - rssAt10) >> 20);
      assertTrue(rssAt50 - rssAt10 < RSS_GROWTH_LIMIT_BYTES,
          "RSS grew by " + ((rssAt50 - rssAt10) >> 20) + " MiB over " + (CYCLES - 10) + " cycles");
    } finally {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
    // Every loader, the last one too once the gateway is closed, must be collectable.
    for (int i = 0; i < loaders.size(); i++) {
      Await.collected(loaders.get(i), "the class loader of cycle " + i);
    }
  }

  /**
   * RSS once the garbage of earlier cycles is collected: what a cycle leaves for good, not the
   * native memory of Java objects that wait for the collector (the network's own memory does
   * not wait: it is freed at unload, see BuiltNetworkTest).
   */
  static long rssOfLiveObjects() throws Exception {
    System.gc();
    System.gc();
    return rss();
  }

  static long rss() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
