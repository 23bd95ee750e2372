package io.inferencegw.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.bench.PluginJarEditor;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.server.Gateway;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways watching one plugins folder, as replicas do on the shared volume: a plugin JAR
 * dropped there once is serving in both within 5 s.
 */
@ExtendWith(VertxExtension.class)
class SharedPluginFolderEndToEndTest {

  @TempDir Path plugins;

  @Test
  void oneJarDroppedOnceServesInEveryGateway(Vertx vertx) throws Exception {
    List<Gateway> gateways = new ArrayList<>();
    List<GatewayClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Gateway g = Gateway.start(vertx, ConfigLoader.loadBundled(plugins).withPort(0))
            .await(60, TimeUnit.SECONDS);
        gateways.add(g);
        clients.add(new GatewayClient(vertx, "localhost", g.port()));
      }
      for (GatewayClient c : clients) {
        assertTrue(c.listModels().await(10, TimeUnit.SECONDS).getCatalogList().isEmpty());
      }
      PluginJarEditor.deploy(Path.of("target/plugins/plugin-lenet.jar"), plugins, "lenet.jar");
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      for (GatewayClient c : clients) {
        while (c.listModels().await(10, TimeUnit.SECONDS).getCatalogList().stream()
            .noneMatch(v -> v.getFamily().equals("lenet"))) {
          assertTrue(System.nanoTime() < end, "lenet not served by every gateway within 5 s");
          Thread.sleep(20);
        }
      }
      for (Gateway g : gateways) {
        assertEquals(1, g.models().index().stream()
            .filter(s -> s.name().equals("fashion-lenet")).count());
      }
    } finally {
      clients.forEach(GatewayClient::close);
      for (Gateway g : gateways) {
        g.close().await(60, TimeUnit.SECONDS);
      }
    }
  }
}
