package io.inferencegw.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    int cores = Runtime.getRuntime().availableProcessors();
    assertEquals(Math.min(2, cores), m.instances(), "two CPU replicas, one on a single core");
    assertEquals(Math.max(1, cores / Math.min(2, cores)), m.cpuThreadsPerReplica(),
        "the cores split between them");
    assertEquals(BatchingConfig.DEFAULT, m.batching());
    assertTrue(m.labels().isEmpty());
    assertTrue(m.channelsLast());
  }

  @Test
  void aModelWithAGpuGetsOneReplicaPerDeviceByDefault() throws Exception {
    ModelConfig gpu = ConfigLoader.load(write("models:\n  - {name: m, family: f, variant: v, "
        + "weights: w.safetensors, devices: ['cuda:0']}\n"), Path.of("p")).models().get(0);
    assertEquals(1, gpu.instances());
    ModelConfig both = ConfigLoader.load(write("models:\n  - {name: m, family: f, variant: v, "
        + "weights: w.safetensors, devices: [cpu, 'cuda:0']}\n"), Path.of("p")).models().get(0);
    assertEquals(1, both.instances());
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
  void preprocessingIsFastUnlessAnEntryAsksForTheExactPath() throws Exception {
    GatewayConfig cfg = ConfigLoader.load(write("models:\n"
        + "  - {name: a, family: f, variant: v, weights: w.safetensors}\n"
        + "  - {name: b, family: f, variant: v, weights: w.safetensors, preprocessing: exact}\n"
        + "  - {name: c, family: f, variant: v, weights: w.safetensors, preprocessing: fast}\n"),
        Path.of("p"));

    assertEquals(List.of(PreprocessingMode.FAST, PreprocessingMode.EXACT, PreprocessingMode.FAST),
        cfg.models().stream().map(ModelConfig::preprocessing).toList());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "torchvision | 'preprocessing' must be exact or fast, got 'torchvision'",
      "exactly     | 'preprocessing' must be exact or fast, got 'exactly'",
      "\"'a\tb'\"  | 'preprocessing' must be exact or fast, got 'a?b'",
      "1           | 'preprocessing' must be a non-empty string"})
  void anUnknownPreprocessingModeNamesTheEntryAndTheAllowedValues(String value, String message)
      throws Exception {
    ConfigException e = refused(ENTRY + ", preprocessing: " + value + "}\n");
    assertTrue(e.getMessage().contains("models[0] (m): "), e.getMessage());
    assertTrue(e.getMessage().endsWith(message), e.getMessage());
  }

  @Test
  void theBundledConfigServesFashionLenet() {
    GatewayConfig cfg = ConfigLoader.loadBundled(Path.of("p"));
    assertEquals("fashion-lenet", cfg.models().get(0).name());
    assertEquals("lenet", cfg.models().get(0).family());
  }

  private static final String ENTRY = "models:\n  - {name: m, family: f, variant: v, weights: w.safetensors";

  private ConfigException refused(String yaml) throws Exception {
    Path file = write(yaml);
    return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Path.of("p")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "intra_op_threads: 30000                  | intra_op_threads must be between 0 and 256, got 30000",
      "intra_op_threads: -1                     | intra_op_threads must be between 0 and 256, got -1",
      "instances: 0                             | instances must be between 1 and 32, got 0",
      "instances: 100000                        | instances must be between 1 and 32, got 100000",
      "batching: {max_batch_size: 1025}         | batching.max_batch_size must be between 1 and 1024",
      "batching: {queue_capacity: 0}            | batching.queue_capacity must be between 1 and 65536",
      "batching: {queue_capacity: 100000000}    | batching.queue_capacity must be between 1 and 65536",
      "batching: {max_queue_delay_us: -5}       | batching.max_queue_delay_us must be between 0 and 10000000",
      "batching: {max_queue_delay_us: 99999999999999999999} | batching.max_queue_delay_us must be between",
      "devices: []                              | devices (number of entries) must be between 1 and 16",
      "devices: ['cuda:64']                     | 'cuda:N' with N from 0 to 63",
      "intra_op_threads: 256, instances: 8      | must be at most 1024, got 256 x 8",
      "instances: 1.5                           | instances must be an integer between 1 and 32",
      "batching: {preferred_batch_sizes: 8}     | batching.preferred_batch_sizes must be a list of batch sizes such as [4, 8]",
      "batching: {preferred_batch_sizes: [a]}   | batching.preferred_batch_sizes must be a list of batch sizes",
      "batching: {preferred_batch_sizes: [64]}  | preferred_batch_sizes: each entry must be between 1 and max_batch_size (32), got 64",
      "batching: {preferred_batch_sizes: [0]}   | each entry must be between 1 and max_batch_size (32), got 0",
      "batching: {max_batch_latency_ms: 0}      | batching.max_batch_latency_ms must be between 1 and 60000"})
  void everyNumberOfAModelEntryIsBoundedAndTheErrorNamesKeyAndRange(String extra, String message)
      throws Exception {
    ConfigException e = refused(ENTRY + ", " + extra + "}\n");
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(e.getMessage().contains("models[0] (m)"), "names the entry: " + e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "port: 70000                              | port must be between 0 and 65535, got 70000",
      "streams: {max_queued_frames: 5000}       | streams.max_queued_frames must be between 1 and 1024",
      "streams: {max_message_bytes: 100}        | streams.max_message_bytes must be between 1024 and"})
  void theGatewayNumbersAreBoundedToo(String yaml, String message) throws Exception {
    ConfigException e = refused(yaml + "\n");
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void valuesAtTheLimitsAreAccepted() throws Exception {
    GatewayConfig cfg = ConfigLoader.load(write(ENTRY + ", intra_op_threads: 256, instances: 4,"
        + " batching: {max_batch_size: 1024, queue_capacity: 65536, max_queue_delay_us: 10000000}}\n"
        + "port: 65535\n"), Path.of("p"));
    assertEquals(256, cfg.models().get(0).intraOpThreads());
    assertEquals(new BatchingConfig(1024, 10_000_000, 65_536), cfg.models().get(0).batching());
  }

  @Test
  void preferredBatchSizesAndTheLatencyBoundAreRead() throws Exception {
    GatewayConfig cfg = ConfigLoader.load(write(ENTRY + ", batching: {max_batch_size: 16,"
        + " preferred_batch_sizes: [8, 2, 8], max_batch_latency_ms: 40}}\n"), Path.of("p"));
    BatchingConfig b = cfg.models().get(0).batching();
    assertEquals(List.of(2, 8), b.preferredBatchSizes(), "sorted, duplicates dropped");
    assertEquals(40, b.maxBatchLatencyMillis());
    assertTrue(b.pinsBatchSizes());
    BatchingConfig defaults = ConfigLoader.load(write(ENTRY + "}\n"), Path.of("p")).models()
        .get(0).batching();
    assertEquals(List.of(), defaults.preferredBatchSizes(), "profiled by default");
    assertEquals(0, defaults.maxQueueDelayMicros(), "an idle replica never waits by default");
    assertEquals(BatchingConfig.DEFAULT_MAX_BATCH_LATENCY_MS, defaults.maxBatchLatencyMillis());
  }

  @Test
  void namesWithControlCharactersOrSlashesAreRefusedWithoutEchoingThem() throws Exception {
    for (String name : List.of("\"evil\\r\\nINFO forged\"", "a/b", "-dash", "x".repeat(129))) {
      ConfigException e = refused(
          "models:\n  - {name: " + name + ", family: f, variant: v, weights: w.safetensors}\n");
      assertTrue(e.getMessage().contains("name must be " + SafeNames.RULE), e.getMessage());
      assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("forged"), e.getMessage());
    }
    ConfigException variant = refused(
        "models:\n  - {name: m, family: f, variant: \"v\\n2\", weights: w.safetensors}\n");
    assertTrue(variant.getMessage().contains("variant must be"), variant.getMessage());
  }

  @Test
  void filesMustLieInsideTheModelRepository() throws Exception {
    Path outside = Files.createTempFile("outside", ".safetensors");
    try {
      for (String weights : List.of("../w.safetensors", "sub/../../w.safetensors",
          outside.toString())) {
        ConfigException e = refused(
            "models:\n  - {name: m, family: f, variant: v, weights: '" + weights + "'}\n");
        assertInstanceOf(OutsideRepositoryException.class, e);
        assertTrue(e.getMessage().contains("not inside the model repository"), e.getMessage());
      }
      Files.createSymbolicLink(dir.resolve("link.safetensors"), outside);
      ConfigException link = refused(
          "models:\n  - {name: m, family: f, variant: v, weights: link.safetensors}\n");
      assertInstanceOf(OutsideRepositoryException.class, link);
    } finally {
      Files.deleteIfExists(outside);
    }
  }

  @Test
  void theModelRepositoryKeyMovesTheRoot() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Files.write(models.resolve("inside.safetensors"), new byte[] {0});
    GatewayConfig cfg = ConfigLoader.load(write("model_repository: models\n"
        + "models:\n  - {name: m, family: f, variant: v, weights: inside.safetensors}\n"),
        Path.of("p"));
    assertEquals(models, cfg.modelRepository());
    assertEquals(models.resolve("inside.safetensors"), cfg.models().get(0).weights().path().get());
    ConfigException beside = refused("model_repository: models\n" + ENTRY + "}\n");
    assertTrue(beside.getMessage().contains("no such file in the model repository"),
        beside.getMessage());
    ConfigException missing = refused("model_repository: nowhere\n");
    assertTrue(missing.getMessage().contains("model_repository"), missing.getMessage());
  }

  @Test
  void theBundledConfigTakesManagementFilesFromModelsBesideThePlugins() {
    GatewayConfig cfg = ConfigLoader.loadBundled(dir.resolve("plugins"));
    assertEquals(dir.resolve("models"), cfg.modelRepository());
    assertEquals(dir.resolve("plugins"), cfg.pluginsDir());
  }

  /**
   * A bundled config has no folder on disk: its relative paths resolve against the installation
   * folder (the one holding the plugins folder and gateway.jar), never against the working
   * directory, which is whatever the gateway was started from.
   */
  @Test
  void relativePathsOfTheBundledConfigResolveAgainstTheInstallationFolder() throws Exception {
    Path installation = dir.resolve("opt/gateway");
    Files.createDirectories(installation.resolve("repo"));
    GatewayConfig cfg = ConfigLoader.parseBundled(
        """
        plugins: more-plugins
        model_repository: repo
        access_log: {path: logs/access.jsonl}
        """,
        installation.resolve("plugins"));
    assertEquals(installation.resolve("more-plugins"), cfg.pluginsDir());
    assertEquals(installation.resolve("repo"), cfg.modelRepository());
    assertEquals(installation.resolve("logs/access.jsonl"), cfg.accessLog().path());
    Path workingDirectory = Path.of("").toAbsolutePath();
    assertFalse(installation.startsWith(workingDirectory),
        "the installation folder lies outside the working directory");

    // model_repository is checked where it resolves: src/ of the working directory is not it
    ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.parseBundled(
        "model_repository: src\n", installation.resolve("plugins")));
    assertTrue(missing.getMessage().contains(installation.resolve("src").toString()),
        missing.getMessage());
  }
}
