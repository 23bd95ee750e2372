package io.inferencegw.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.config.ConfigException;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.StreamConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional {@code streams:} section of the config. */
class StreamConfigLoadingTest {

  @TempDir Path dir;

  private StreamConfig load(String yaml) throws Exception {
    Path f = dir.resolve("gateway.yaml");
    Files.writeString(f, yaml);
    return ConfigLoader.load(f, dir).streams();
  }

  @Test
  void withoutTheSectionTheDefaultsApply() throws Exception {
    assertEquals(StreamConfig.DEFAULT, load("port: 9000\n"));
    assertEquals(4 * 1024 * 1024, StreamConfig.DEFAULT.maxMessageBytes());
    assertEquals(8 * 1024 * 1024, StreamConfig.DEFAULT.maxFrameBytes());
  }

  @Test
  void readsBothKeysAndDefaultsTheOther() throws Exception {
    assertEquals(new StreamConfig(1 << 20, 4),
        load("streams: {max_message_bytes: 1048576, max_queued_frames: 4}\n"));
    assertEquals(new StreamConfig(StreamConfig.DEFAULT.maxMessageBytes(), 2),
        load("streams: {max_queued_frames: 2}\n"));
  }

  @Test
  void theExampleConfigDocumentsTheDefaults() {
    Path example = Path.of("../deploy/example-config.yaml");
    assertEquals(StreamConfig.DEFAULT, ConfigLoader.load(example, dir).streams());
  }

  @Test
  void unknownKeysAndBadValuesAreErrorsThatNameThem() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load("streams: {max_mesage_bytes: 10}\n"));
    assertTrue(e.getMessage().contains("max_mesage_bytes"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> load("streams: {max_queued_frames: 0}\n"));
    assertTrue(e.getMessage().contains("max_queued_frames"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> load("streams: {max_message_bytes: 10}\n"));
    assertTrue(e.getMessage().contains("max_message_bytes"), e.getMessage());
  }
}
