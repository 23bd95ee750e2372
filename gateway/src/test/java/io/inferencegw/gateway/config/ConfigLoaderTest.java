package io.inferencegw.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    Files.write(dir.resolve("w.safetensors"), new byte[] {0});
    Files.writeString(dir.resolve("labels.txt"), "a\nb\n");
    Path f = dir.resolve("gateway.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void readsEveryKeyAndResolvesFilesAgainstTheConfigFolder() throws Exception {
    GatewayConfig cfg =
        ConfigLoader.load(
            write(
                """
                port: 9090
                plugins: plugs
                models:
                  - name: m
                    family: lenet
                    variant: lenet5
                    weights: w.safetensors
                    labels: labels.txt
                    devices: [cpu, "cuda:1"]
                    instances: 2
                    intra_op_threads: 3
                    channels_last: false
                    batching: {max_batch_size: 8, max_queue_delay_us: 500, queue_capacity: 64}
                """),
            Path.of("default-plugins"));
    assertEquals(9090, cfg.port());
    assertEquals(dir.resolve("plugs"), cfg.pluginsDir());
    ModelConfig m = cfg.models().get(0);
    assertEquals(List.of("cpu", "cuda:1"), m.devices());
    assertEquals(2, m.instances());
    assertEquals(3, m.cpuThreadsPerReplica());
    assertFalse(m.channelsLast());
    assertEquals(new BatchingConfig(8, 500, 64), m.batching());
    assertEquals(dir.resolve("w.safetensors"), m.weights().path().orElseThrow());
    assertEquals(dir.resolve("labels.txt"), m.labels().orElseThrow().path().orElseThrow());
  }

  @Test
  void everyOptionalKeyHasADefault() throws Exception {
    GatewayConfig cfg =
        ConfigLoader.load(
            write("models:\n  - {name: m, family: f, variant: v, weights: w.safetensors}\n"),
            Path.of("default-plugins"));
    assertEquals(8080, cfg.port());
    assertEquals(Path.of("default-plugins"), cfg.pluginsDir());
    ModelConfig m = cfg.models().get(0);
    assertEquals(List.of("cpu"), m.devices());
    assertEquals(1, m.instances());
    assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors()), m.cpuThreadsPerReplica());
    assertEquals(BatchingConfig.DEFAULT, m.batching());
    assertTrue(m.labels().isEmpty());
    assertTrue(m.channelsLast());
  }

  @Test
  void unknownKeysAreNamed() throws Exception {
    ConfigException top = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(write("prot: 1\n"), Path.of("p")));
    assertTrue(top.getMessage().contains("prot"), top.getMessage());
    ConfigException model = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(write(
            "models:\n  - {name: m, family: f, variant: v, weights: w.safetensors, wieghts: x}\n"),
            Path.of("p")));
    assertTrue(model.getMessage().contains("wieghts"), model.getMessage());
    ConfigException batching = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(write(
            "models:\n  - {name: m, family: f, variant: v, weights: w.safetensors,"
                + " batching: {max_batch: 3}}\n"),
            Path.of("p")));
    assertTrue(batching.getMessage().contains("max_batch"), batching.getMessage());
  }

  @Test
  void missingFilesAndRequiredKeysAreNamed() throws Exception {
    ConfigException noFile = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(dir.resolve("nope.yaml"), Path.of("p")));
    assertTrue(noFile.getMessage().contains("nope.yaml"), noFile.getMessage());
    ConfigException noWeights = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(write(
            "models:\n  - {name: m, family: f, variant: v, weights: missing.safetensors}\n"),
            Path.of("p")));
    assertTrue(noWeights.getMessage().contains("missing.safetensors"), noWeights.getMessage());
    ConfigException noFamily = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(write(
            "models:\n  - {name: m, variant: v, weights: w.safetensors}\n"), Path.of("p")));
    assertTrue(noFamily.getMessage().contains("family"), noFamily.getMessage());
  }

  @Test
  void badValuesAreRejected() throws Exception {
    assertThrows(ConfigException.class, () -> ConfigLoader.load(write(
        "models:\n  - {name: m, family: f, variant: v, weights: w.safetensors, devices: [gpu0]}\n"),
        Path.of("p")));
    assertThrows(ConfigException.class, () -> ConfigLoader.load(write(
        "models:\n  - {name: m, family: f, variant: v, weights: w.safetensors,"
            + " batching: {max_batch_size: 0}}\n"), Path.of("p")));
    assertThrows(ConfigException.class, () -> ConfigLoader.load(write("port: [1\n"), Path.of("p")));
    ConfigException layout = assertThrows(ConfigException.class, () -> ConfigLoader.load(write(
        "models:\n  - {name: m, family: f, variant: v, weights: w.safetensors,"
            + " channels_last: sometimes}\n"), Path.of("p")));
    assertTrue(layout.getMessage().contains("channels_last"), layout.getMessage());
  }

  @Test
  void theBundledConfigServesFashionLenet() {
    GatewayConfig cfg = ConfigLoader.loadBundled(Path.of("p"));
    assertEquals("fashion-lenet", cfg.models().get(0).name());
    assertEquals("lenet", cfg.models().get(0).family());
  }
}
