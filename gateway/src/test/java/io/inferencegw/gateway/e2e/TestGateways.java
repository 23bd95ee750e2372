package io.inferencegw.gateway.e2e;

import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.server.Gateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Configs for gateways the tests start in-process, on a free port, with the built plugins. */
public final class TestGateways {

  /** Where the build copies the bundled plugin JARs (see the gateway pom). */
  public static final Path PLUGINS = Path.of("target/plugins");

  /**
   * Batches of one, pinned: for tests that check answers of large networks, whom a pinned size
   * spares the batch profile at warm-up (DispatchEndToEndTest covers the profile).
   */
  public static final BatchingConfig ONE_AT_A_TIME =
      BatchingConfig.DEFAULT.withPreferredBatchSizes(List.of(1));

  private TestGateways() {}

  /** The bundled fashion-lenet model entry. */
  public static ModelConfig bundledLenet() {
    return ConfigLoader.loadBundled(PLUGINS).models().get(0);
  }

  /** The bundled config on port 0, plus more models. */
  public static GatewayConfig withModels(ModelConfig... extra) {
    GatewayConfig bundled = ConfigLoader.loadBundled(PLUGINS).withPort(0);
    List<ModelConfig> models = new ArrayList<>(bundled.models());
    models.addAll(List.of(extra));
    return bundled.withModels(models);
  }

  /** The bundled LeNet under another name, with other batching settings. */
  public static ModelConfig lenetAs(String name, BatchingConfig batching) {
    return bundledLenet().withName(name).withBatching(batching);
  }

  /**
   * Closes what a test class started, the client first; either may be null (a start that
   * failed part way).
   */
  public static void close(GatewayClient client, Gateway gateway) throws Exception {
    if (client != null) {
      client.close();
    }
    if (gateway != null) {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }
}
