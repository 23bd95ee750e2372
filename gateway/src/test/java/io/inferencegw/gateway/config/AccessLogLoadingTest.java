package io.inferencegw.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional {@code access_log:} section of the config. */
class AccessLogLoadingTest {

  @TempDir Path dir;

  private AccessLogConfig load(String yaml) throws Exception {
    Path f = dir.resolve("gateway.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f, dir).accessLog();
  }

  @Test
  void offWithoutTheSectionOrAPath() throws Exception {
    assertEquals(AccessLogConfig.DEFAULT, load("port: 9000\n"));
    assertFalse(AccessLogConfig.DEFAULT.enabled());
    assertEquals(65_536, AccessLogConfig.DEFAULT.queueCapacity());
    assertFalse(load("access_log: {queue_capacity: 10}\n").enabled());
  }

  @Test
  void aRelativePathIsResolvedAgainstTheConfigFolder() throws Exception {
    AccessLogConfig c = load("access_log: {path: logs/access.jsonl, queue_capacity: 100}\n");
    assertEquals(dir.resolve("logs/access.jsonl"), c.path());
    assertEquals(100, c.queueCapacity());
  }

  @Test
  void theExampleConfigDocumentsTheDefaults() {
    Path example = Path.of("../deploy/example-config.yaml");
    assertEquals(AccessLogConfig.DEFAULT, ConfigLoader.load(example, dir).accessLog());
  }

  @Test
  void unknownKeysAndValuesOutOfBoundsAreErrorsThatNameThem() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load("access_log: {file: a.jsonl}\n"));
    assertTrue(e.getMessage().contains("file"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> load("access_log: {queue_capacity: 0}\n"));
    assertTrue(e.getMessage().contains("access_log.queue_capacity must be between 1"),
        e.getMessage());
    e = assertThrows(ConfigException.class, () -> load("access_log: {path: 12}\n"));
    assertTrue(e.getMessage().contains("'path' must be a string"), e.getMessage());
  }
}
