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
 * @param modelRepository the model repository root: every weights and labels file a config
 *     file or a management call names is resolved inside it, and nothing outside it is opened
 *     (see {@link ModelRepository})
 * @param streams limits of WebSocket frame streams
 * @param connections limits of client connections to the port
 * @param accessLog the optional access log of answered requests
 */
public record GatewayConfig(
    int port, Path pluginsDir, List<ModelConfig> models, ManagementConfig management,
    Path modelRepository, StreamConfig streams, ConnectionLimits connections,
    AccessLogConfig accessLog) {

  /** Any port, 0 meaning a free one chosen at start (tests use it). */
  public static final ConfigRange PORT = new ConfigRange("port", 0, 65_535);

  /** A config with the default stream and connection limits. */
  public GatewayConfig(
      int port, Path pluginsDir, List<ModelConfig> models, ManagementConfig management,
      Path modelRepository) {
    this(port, pluginsDir, models, management, modelRepository, StreamConfig.DEFAULT,
        ConnectionLimits.DEFAULT, AccessLogConfig.DEFAULT);
  }

  public GatewayConfig {
    PORT.check(port);
    modelRepository = modelRepository.toAbsolutePath().normalize();
    models = List.copyOf(models);
    long distinct = models.stream().map(ModelConfig::name).distinct().count();
    if (distinct != models.size()) {
      throw new ConfigException("models: every model needs a distinct name");
    }
  }

  public GatewayConfig withPort(int newPort) {
    return new GatewayConfig(
        newPort, pluginsDir, models, management, modelRepository, streams, connections, accessLog);
  }

  public GatewayConfig withPluginsDir(Path dir) {
    return new GatewayConfig(
        port, dir, models, management, modelRepository, streams, connections, accessLog);
  }

  public GatewayConfig withModels(List<ModelConfig> newModels) {
    return new GatewayConfig(
        port, pluginsDir, newModels, management, modelRepository, streams, connections, accessLog);
  }

  public GatewayConfig withManagement(ManagementConfig newManagement) {
    return new GatewayConfig(
        port, pluginsDir, models, newManagement, modelRepository, streams, connections, accessLog);
  }

  public GatewayConfig withModelRepository(Path root) {
    return new GatewayConfig(port, pluginsDir, models, management, root, streams, connections,
        accessLog);
  }

  /** The repository that management calls resolve file names in. */
  public ModelRepository repository() {
    return new ModelRepository(modelRepository);
  }

  public GatewayConfig withStreams(StreamConfig newStreams) {
    return new GatewayConfig(
        port, pluginsDir, models, management, modelRepository, newStreams, connections, accessLog);
  }

  public GatewayConfig withAccessLog(AccessLogConfig newAccessLog) {
    return new GatewayConfig(port, pluginsDir, models, management, modelRepository, streams,
        connections, newAccessLog);
  }

  public GatewayConfig withConnections(ConnectionLimits newConnections) {
    return new GatewayConfig(
        port, pluginsDir, models, management, modelRepository, streams, newConnections, accessLog);
  }
}
