package io.inferencegw.gateway.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The whole gateway configuration.
 *
 * @param port the one HTTP/2 cleartext port serving gRPC and HTTP (management, health)
 * @param pluginsDir directory of plugin JARs
 * @param models models served from start-up
 * @param management who may call the management API
 * @param baseDir folder that relative paths in management API calls are resolved against (the
 *     config file's folder, or the working directory)
 * @param streams limits of WebSocket frame streams
 * @param connections limits of client connections to the port
 */
public record GatewayConfig(
    int port, Path pluginsDir, List<ModelConfig> models, ManagementConfig management, Path baseDir,
    StreamConfig streams, ConnectionLimits connections) {

  /** A config with the default stream and connection limits. */
  public GatewayConfig(
      int port, Path pluginsDir, List<ModelConfig> models, ManagementConfig management, Path baseDir) {
    this(port, pluginsDir, models, management, baseDir, StreamConfig.DEFAULT,
        ConnectionLimits.DEFAULT);
  }

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
    return new GatewayConfig(
        newPort, pluginsDir, models, management, baseDir, streams, connections);
  }

  public GatewayConfig withPluginsDir(Path dir) {
    return new GatewayConfig(port, dir, models, management, baseDir, streams, connections);
  }

  public GatewayConfig withModels(List<ModelConfig> newModels) {
    return new GatewayConfig(
        port, pluginsDir, newModels, management, baseDir, streams, connections);
  }

  public GatewayConfig withManagement(ManagementConfig newManagement) {
    return new GatewayConfig(
        port, pluginsDir, models, newManagement, baseDir, streams, connections);
  }

  public GatewayConfig withStreams(StreamConfig newStreams) {
    return new GatewayConfig(
        port, pluginsDir, models, management, baseDir, newStreams, connections);
  }

  public GatewayConfig withConnections(ConnectionLimits newConnections) {
    return new GatewayConfig(
        port, pluginsDir, models, management, baseDir, streams, newConnections);
  }
}
