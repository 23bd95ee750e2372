package io.inferencegw.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional {@code connections:} section of the config. */
class ConnectionLimitsLoadingTest {

  @TempDir Path dir;

  private ConnectionLimits load(String yaml) throws Exception {
    Path f = dir.resolve("gateway.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f, dir).connections();
  }

  @Test
  void withoutTheSectionTheDefaultsApply() throws Exception {
    assertEquals(ConnectionLimits.DEFAULT, load("port: 9000\n"));
    assertEquals(new ConnectionLimits(10_000, 30, 75, 300, 300), ConnectionLimits.DEFAULT);
  }

  @Test
  void readsEveryKeyAndDefaultsTheOthers() throws Exception {
    assertEquals(new ConnectionLimits(20, 1, 2, 3, 4), load("connections: {max_connections: 20,"
        + " request_head_timeout_seconds: 1, http1_idle_timeout_seconds: 2,"
        + " http2_idle_timeout_seconds: 3, websocket_idle_timeout_seconds: 4}\n"));
    assertEquals(new ConnectionLimits(50, 30, 75, 300, 300),
        load("connections: {max_connections: 50}\n"));
  }

  @Test
  void theExampleConfigDocumentsTheDefaults() {
    Path example = Path.of("../deploy/example-config.yaml");
    assertEquals(ConnectionLimits.DEFAULT, ConfigLoader.load(example, dir).connections());
  }

  @Test
  void unknownKeysAndValuesOutOfBoundsAreErrorsThatNameThem() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load("connections: {max_conections: 10}\n"));
    assertTrue(e.getMessage().contains("max_conections"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> load("connections: {max_connections: 0}\n"));
    assertTrue(e.getMessage().contains("connections.max_connections must be between 1"),
        e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> load("connections: {http2_idle_timeout_seconds: 0}\n"));
    assertTrue(e.getMessage().contains("http2_idle_timeout_seconds"), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> load("connections: {websocket_idle_timeout_seconds: 100000}\n"));
    assertTrue(e.getMessage().contains("websocket_idle_timeout_seconds"), e.getMessage());
    e = assertThrows(ConfigException.class,
        () -> load("connections: {request_head_timeout_seconds: soon}\n"));
    assertTrue(e.getMessage().contains("request_head_timeout_seconds"), e.getMessage());
  }
}
