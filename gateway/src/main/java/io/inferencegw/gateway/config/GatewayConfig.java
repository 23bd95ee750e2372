package io.inferencegw.gateway.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The whole gateway configuration.
 *
 * @param port the one HTTP/2 cleartext port serving gRPC (and later HTTP and WebSockets)
 * @param pluginsDir directory of plugin JARs
 * @param models models served from start-up
 */
public record GatewayConfig(int port, Path pluginsDir, List<ModelConfig> models) {

  public GatewayConfig {
    if (port < 0 || port > 65535) {
      throw new ConfigException("port must be between 0 and 65535, got " + port);
    }
    models = List.copyOf(models);
    long distinct = models.stream().map(ModelConfig::name).distinct().count();
    if (distinct != models.size()) {
      throw new ConfigException("models: every model needs a distinct name");
    }
  }

  public GatewayConfig withPort(int newPort) {
    return new GatewayConfig(newPort, pluginsDir, models);
  }

  public GatewayConfig withPluginsDir(Path dir) {
    return new GatewayConfig(port, dir, models);
  }

  public GatewayConfig withModels(List<ModelConfig> newModels) {
    return new GatewayConfig(port, pluginsDir, newModels);
  }
}
