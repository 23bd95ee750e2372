package io.inferencegw.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.bench.PluginJarEditor;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.e2e.FashionLenetReference;
import io.inferencegw.gateway.registry.ModelState;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways watching one plugins folder, as replicas do on the shared volume: a plugin JAR
 * dropped there once is serving in both within 5 s, and each answers a Classify with the reference
 * prediction.
 */
class SharedPluginFolderEndToEndTest {

  @TempDir Path plugins;

  @Test
  void oneJarDroppedOnceServesInEveryGateway() throws Exception {
    FashionMnist data = FashionLenetReference.requireTestSet();
    int[] reference = FashionLenetReference.predictions(data);
    // One Vert.x instance per gateway, as each replica is its own process: within one instance
    // the gateways would share their named device worker pools.
    List<Vertx> vertxes = new ArrayList<>();
    List<Gateway> gateways = new ArrayList<>();
    List<GatewayClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Vertx vertx = Vertx.vertx();
        vertxes.add(vertx);
        Gateway g = Gateway.start(vertx, ConfigLoader.loadBundled(plugins).withPort(0))
            .await(60, TimeUnit.SECONDS);
        gateways.add(g);
        clients.add(new GatewayClient(vertx, "localhost", g.port()));
      }
      for (GatewayClient c : clients) {
        assertTrue(c.listModels().await(10, TimeUnit.SECONDS).getCatalogList().isEmpty());
      }
      PluginJarEditor.deploy(Path.of("target/plugins/plugin-lenet.jar"), plugins, "lenet.jar");
      // The catalog lists the family as soon as the plugin is active; the configured model then
      // loads behind it, so the wait covers both: the plugin found and the model READY.
      for (int i = 0; i < gateways.size(); i++) {
        Gateway g = gateways.get(i);
        GatewayClient c = clients.get(i);
        Await.until("gateway " + i + " to serve lenet", () -> servesLenet(g, c));
      }
      for (int i = 0; i < clients.size(); i++) {
        ClassifyRequest image = ClassifyRequest.newBuilder().setModel("fashion-lenet")
            .setImage(ByteString.copyFrom(data.png(i))).setRequestId("img-" + i).build();
        assertEquals(reference[i], clients.get(i).classify(image).await(30, TimeUnit.SECONDS)
            .getPredictions(0).getIndex(), "gateway " + i + " answers image " + i);
      }
    } finally {
      clients.forEach(GatewayClient::close);
      for (Gateway g : gateways) {
        g.close().await(60, TimeUnit.SECONDS);
      }
      for (Vertx v : vertxes) {
        v.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  private static boolean servesLenet(Gateway gateway, GatewayClient client) throws Exception {
    boolean listed = client.listModels().await(10, TimeUnit.SECONDS).getCatalogList().stream()
        .anyMatch(v -> v.getFamily().equals("lenet"));
    return listed && gateway.models().index().stream()
        .anyMatch(m -> m.name().equals("fashion-lenet") && m.state() == ModelState.READY);
  }
}
