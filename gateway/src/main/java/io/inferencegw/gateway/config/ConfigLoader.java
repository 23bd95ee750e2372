package io.inferencegw.gateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads the YAML config. Keys are fixed (deployments and outside checks write them), so an
 * unknown key is an error naming it rather than a silently ignored typo; every number is bounded
 * (see {@link ConfigRange}) and names follow {@link SafeNames}. Weights and labels files must
 * exist inside the model repository ({@code model_repository}, relative to the config file's
 * folder; default: that folder itself, so a config and its weights can sit side by side).
 * Relative paths of a config file resolve against its folder; those of the bundled config
 * against the installation folder (see {@link #parseBundled}); neither against the working
 * directory.
 */
public final class ConfigLoader {

  public static final int DEFAULT_PORT = 8080;
  /** The bundled default config inside the gateway jar; its files are bundled too. */
  public static final String BUNDLED_CONFIG = "default-model/gateway.yaml";

  /**
   * Model repository of the bundled config: {@code models/} in the installation folder, beside
   * the default plugins folder (and gateway.jar).
   */
  public static final String BUNDLED_REPOSITORY = "models";

  private static final Set<String> TOP_KEYS =
      Set.of("port", "plugins", "model_repository", "models", "management", "streams",
          "connections", "access_log");
  private static final Set<String> ACCESS_LOG_KEYS = Set.of("path", "queue_capacity");
  private static final Set<String> STREAM_KEYS = Set.of("max_message_bytes", "max_queued_frames");
  private static final Set<String> CONNECTION_KEYS =
      Set.of("max_connections", "request_head_timeout_seconds", "http1_idle_timeout_seconds",
          "http2_idle_timeout_seconds", "websocket_idle_timeout_seconds");
  private static final Set<String> MANAGEMENT_KEYS = Set.of("token", "trusted_networks");
  private static final Set<String> MODEL_KEYS =
      Set.of("name", "family", "variant", "weights", "labels", "devices", "instances", "batching",
          "intra_op_threads", "channels_last", "precision", "precision_min_top1_agreement",
          "preprocessing");
  private static final Set<String> BATCHING_KEYS =
      Set.of("max_batch_size", "max_queue_delay_us", "queue_capacity", "preferred_batch_sizes",
          "max_batch_latency_ms");

  private ConfigLoader() {}

  /** Loads a config file; {@code defaultPlugins} is used when the file has no {@code plugins}. */
  public static GatewayConfig load(Path file, Path defaultPlugins) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("config file " + file + " does not exist");
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), base, base, repository -> repository, defaultPlugins);
  }

  /**
   * The bundled default config: the Fashion-MNIST LeNet served as {@code fashion-lenet}. Its own
   * files are inside the jar; files named by management calls come from {@code models/} in the
   * folder the gateway is installed in (the folder of {@code defaultPlugins}, by default the one
   * holding gateway.jar), not from the working directory, which may be anything the gateway
   * happened to be started from.
   */
  public static GatewayConfig loadBundled(Path defaultPlugins) {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(BUNDLED_CONFIG)) {
      if (in == null) {
        throw new ConfigException("bundled config " + BUNDLED_CONFIG + " is missing from the jar");
      }
      return parseBundled(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
          defaultPlugins);
    } catch (IOException e) {
      throw new ConfigException("cannot read bundled config: " + e.getMessage(), e);
    }
  }

  /**
   * Parses the text of a config bundled in the jar. It has no folder of its own on disk, so its
   * relative paths ({@code plugins}, {@code model_repository}, {@code access_log.path}) resolve
   * against the installation folder, the one holding {@code defaultPlugins}, as a config file's
   * resolve against the file's folder; never against the working directory. The files its models
   * name are bundled beside it in the jar.
   */
  static GatewayConfig parseBundled(String text, Path defaultPlugins) {
    String folder = BUNDLED_CONFIG.substring(0, BUNDLED_CONFIG.lastIndexOf('/') + 1);
    Path installation = defaultPlugins.toAbsolutePath().normalize().getParent();
    return parse(
        text,
        "bundled " + BUNDLED_CONFIG,
        installation,
        installation.resolve(BUNDLED_REPOSITORY),
        ignored -> (key, name) -> ResourceRef.classpath(folder + name),
        defaultPlugins);
  }

  /**
   * Parses config text. {@code base} is the folder relative paths of the config are resolved
   * against; {@code files} gives the resolver for the files its models name, from the model
   * repository.
   */
  static GatewayConfig parse(
      String text,
      String source,
      Path base,
      Path defaultRepository,
      Function<ModelRepository, FileResolver> files,
      Path defaultPlugins) {
    Map<String, Object> root = asMap(readYaml(new StringReader(text), source), source);
    checkKeys(root, TOP_KEYS, source);
    int port = intValue(root, "port", DEFAULT_PORT, GatewayConfig.PORT, source);
    Path plugins =
        root.containsKey("plugins")
            ? base.resolve(stringValue(root, "plugins", source)).normalize()
            : defaultPlugins;
    Path repositoryRoot = defaultRepository;
    if (root.containsKey("model_repository")) {
      repositoryRoot = base.resolve(stringValue(root, "model_repository", source)).normalize();
      if (!Files.isDirectory(repositoryRoot)) {
        throw new ConfigException(source + ": model_repository " + repositoryRoot
            + " is not a directory");
      }
    }
    FileResolver resolve = files.apply(new ModelRepository(repositoryRoot));
    List<ModelConfig> models = new ArrayList<>();
    Object list = root.get("models");
    if (list != null) {
      if (!(list instanceof List<?> entries)) {
        throw new ConfigException(source + ": 'models' must be a list");
      }
      for (int i = 0; i < entries.size(); i++) {
        String where = source + ": models[" + i + "]";
        models.add(parseModel(asMap(entries.get(i), where), where, resolve));
      }
    }
    try {
      return new GatewayConfig(port, plugins, models, parseManagement(root, source),
          repositoryRoot, parseStreams(root, source), parseConnections(root, source),
          parseAccessLog(root, source, base));
    } catch (ConfigException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * An optional top-level section: absent, what {@code absent} gives; else a map whose keys
   * are checked against {@code keys}, read by {@code read} (given the map and the place to name
   * in errors).
   */
  private static <T> T section(Map<String, Object> root, String name, Set<String> keys,
      String source, Supplier<T> absent, BiFunction<Map<String, Object>, String, T> read) {
    if (!root.containsKey(name)) {
      return absent.get();
    }
    String where = source + ": " + name;
    Map<String, Object> section = asMap(root.get(name), where);
    checkKeys(section, keys, where);
    return read.apply(section, where);
  }

  /** The optional {@code streams:} section: limits of WebSocket frame streams. */
  private static StreamConfig parseStreams(Map<String, Object> root, String source) {
    return section(root, "streams", STREAM_KEYS, source, () -> StreamConfig.DEFAULT,
        (s, where) -> {
      return new StreamConfig(
          intValue(s, "max_message_bytes", StreamConfig.DEFAULT.maxMessageBytes(),
              StreamConfig.MAX_MESSAGE_BYTES, where),
          intValue(s, "max_queued_frames", StreamConfig.DEFAULT.maxQueuedFrames(),
              StreamConfig.MAX_QUEUED_FRAMES, where));
    });
  }

  /**
   * The optional {@code access_log:} section; a relative path is resolved against the config
   * file's folder. Without a path there is no access log.
   */
  private static AccessLogConfig parseAccessLog(Map<String, Object> root, String source,
      Path base) {
    return section(root, "access_log", ACCESS_LOG_KEYS, source, () -> AccessLogConfig.DEFAULT,
        (a, where) -> {
      Object path = a.get("path");
      if (path != null && !(path instanceof String)) {
        throw new ConfigException(where + ": 'path' must be a string");
      }
      Path file = path == null || ((String) path).isBlank() ? null : base.resolve((String) path);
      return new AccessLogConfig(file, intValue(a, "queue_capacity",
          AccessLogConfig.DEFAULT.queueCapacity(), AccessLogConfig.QUEUE_CAPACITY, where));
    });
  }

  /** The optional {@code connections:} section: limits of client connections to the port. */
  private static ConnectionLimits parseConnections(Map<String, Object> root, String source) {
    return section(root, "connections", CONNECTION_KEYS, source, () -> ConnectionLimits.DEFAULT,
        (c, where) -> {
      ConnectionLimits d = ConnectionLimits.DEFAULT;
      return new ConnectionLimits(
          intValue(c, "max_connections", d.maxConnections(), ConnectionLimits.MAX_CONNECTIONS,
              where),
          intValue(c, "request_head_timeout_seconds", d.requestHeadSeconds(),
              ConnectionLimits.REQUEST_HEAD_SECONDS, where),
          intValue(c, "http1_idle_timeout_seconds", d.http1IdleSeconds(),
              ConnectionLimits.HTTP1_IDLE_SECONDS, where),
          intValue(c, "http2_idle_timeout_seconds", d.http2IdleSeconds(),
              ConnectionLimits.HTTP2_IDLE_SECONDS, where),
          intValue(c, "websocket_idle_timeout_seconds", d.webSocketIdleSeconds(),
              ConnectionLimits.WEBSOCKET_IDLE_SECONDS, where));
    });
  }

  private static ManagementConfig parseManagement(Map<String, Object> root, String source) {
    return section(root, "management", MANAGEMENT_KEYS, source,
        ManagementConfig::fromEnvironment, (m, where) -> {
      Optional<String> token =
          m.containsKey("token") ? Optional.of(stringValue(m, "token", where))
              : ManagementConfig.envToken();
      List<String> trusted = ManagementConfig.LOOPBACK;
      if (m.containsKey("trusted_networks")) {
        if (!(m.get("trusted_networks") instanceof List<?> nets)) {
          throw new ConfigException(where + ".trusted_networks must be a list of CIDR blocks");
        }
        trusted = nets.stream().map(String::valueOf).toList();
      }
      return new ManagementConfig(token, trusted);
    });
  }

  /**
   * Parses one model entry (the body of the management API's load call has the same shape).
   * Errors name the entry and the key; a file outside the model repository throws
   * {@link OutsideRepositoryException}.
   */
  public static ModelConfig parseModel(Map<String, Object> m, String where, FileResolver resolve) {
    checkKeys(m, MODEL_KEYS, where);
    // Checked before it becomes part of any message: a name may carry CR/LF.
    String name = SafeNames.require(where + ": name", requiredString(m, "name", where));
    where = where + " (" + name + ")";
    String family = SafeNames.require(where + ": family", requiredString(m, "family", where));
    String variant = SafeNames.require(where + ": variant", requiredString(m, "variant", where));
    ResourceRef weights = file(m, "weights", where, resolve);
    Optional<ResourceRef> labels =
        m.containsKey("labels") ? Optional.of(file(m, "labels", where, resolve)) : Optional.empty();
    List<String> devices = List.of("cpu");
    if (m.containsKey("devices")) {
      if (!(m.get("devices") instanceof List<?> ds)) {
        throw new ConfigException(where + ": 'devices' must be a list such as [cpu]");
      }
      if (ds.isEmpty() || ds.size() > ModelConfig.DEVICE_COUNT.max()) {
        throw new ConfigException(where + ": " + ModelConfig.DEVICE_COUNT.key() + " must be between "
            + ModelConfig.DEVICE_COUNT.min() + " and " + ModelConfig.DEVICE_COUNT.max() + ", got "
            + ds.size());
      }
      devices = ds.stream().map(String::valueOf).toList();
    }
    int instances = intValue(m, "instances", ModelConfig.defaultInstances(devices),
        ModelConfig.INSTANCES, where);
    int intraOpThreads = intValue(m, "intra_op_threads", 0, ModelConfig.INTRA_OP_THREADS, where);
    boolean channelsLast = booleanValue(m, "channels_last", true, where);
    Precision precision = namedValue(m, "precision", Precision.FP32, Precision::parse, where);
    PreprocessingMode preprocessing = namedValue(m, "preprocessing", PreprocessingMode.DEFAULT,
        PreprocessingMode::parse, where);
    double minAgreement = fractionValue(m, "precision_min_top1_agreement",
        ModelConfig.DEFAULT_MIN_TOP1_AGREEMENT, where);
    BatchingConfig batching = BatchingConfig.DEFAULT;
    if (m.containsKey("batching")) {
      Map<String, Object> b = asMap(m.get("batching"), where + ".batching");
      checkKeys(b, BATCHING_KEYS, where + ".batching");
      try {
        batching =
            new BatchingConfig(
                intValue(b, "max_batch_size", BatchingConfig.DEFAULT.maxBatchSize(),
                    BatchingConfig.MAX_BATCH_SIZE, where),
                longValue(b, "max_queue_delay_us", BatchingConfig.DEFAULT.maxQueueDelayMicros(),
                    BatchingConfig.MAX_QUEUE_DELAY_US, where),
                intValue(b, "queue_capacity", BatchingConfig.DEFAULT.queueCapacity(),
                    BatchingConfig.QUEUE_CAPACITY, where),
                preferredBatchSizes(b, where),
                intValue(b, "max_batch_latency_ms", BatchingConfig.DEFAULT.maxBatchLatencyMillis(),
                    BatchingConfig.MAX_BATCH_LATENCY_MS, where));
      } catch (ConfigException e) {
        throw e.getMessage().startsWith(where) ? e : new ConfigException(where + ": " + e.getMessage());
      }
    }
    try {
      return new ModelConfig(name, family, variant, weights, labels, devices, instances, batching,
          intraOpThreads, channelsLast, precision, minAgreement, preprocessing);
    } catch (ConfigException e) {
      throw new ConfigException(where + ": " + e.getMessage());
    }
  }

  private static ResourceRef file(
      Map<String, Object> m, String key, String where, FileResolver resolve) {
    String name = requiredString(m, key, where);
    try {
      return resolve.resolve(key, name);
    } catch (OutsideRepositoryException e) {
      throw new OutsideRepositoryException(where + ": " + e.getMessage());
    } catch (ConfigException e) {
      throw new ConfigException(where + ": " + e.getMessage(), e);
    }
  }

  private static Object readYaml(Reader reader, String source) {
    try {
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    } catch (YAMLException e) {
      throw new ConfigException(source + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o, String where) {
    if (o == null) {
      return new LinkedHashMap<>();
    }
    if (!(o instanceof Map<?, ?> map)) {
      throw new ConfigException(where + " must be a mapping of keys to values");
    }
    return (Map<String, Object>) map;
  }

  private static void checkKeys(Map<String, Object> map, Set<String> known, String where) {
    Set<String> unknown = new TreeSet<>();
    for (Object k : map.keySet()) {
      if (!known.contains(String.valueOf(k))) {
        unknown.add(String.valueOf(k));
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigException(
          where + ": unknown key" + (unknown.size() > 1 ? "s " : " ") + unknown
              + "; known keys are " + new TreeSet<>(known));
    }
  }

  private static String requiredString(Map<String, Object> m, String key, String where) {
    if (!m.containsKey(key) || m.get(key) == null) {
      throw new ConfigException(where + ": missing required key '" + key + "'");
    }
    return stringValue(m, key, where);
  }

  private static String stringValue(Map<String, Object> m, String key, String where) {
    Object v = m.get(key);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new ConfigException(where + ": '" + key + "' must be a non-empty string");
    }
    return s;
  }

  /** batching.preferred_batch_sizes: a list of whole numbers, or absent (profiled). */
  private static List<Integer> preferredBatchSizes(Map<String, Object> b, String where) {
    if (!b.containsKey("preferred_batch_sizes")) {
      return List.of();
    }
    String rule = where + ": batching.preferred_batch_sizes must be a list of batch sizes such as"
        + " [4, 8]";
    if (!(b.get("preferred_batch_sizes") instanceof List<?> sizes)) {
      throw new ConfigException(rule);
    }
    BatchingConfig.PREFERRED_SIZES_COUNT.check(sizes.size());
    List<Integer> out = new ArrayList<>();
    for (Object size : sizes) {
      if (!(size instanceof Integer i)) {
        throw new ConfigException(rule);
      }
      out.add(i);
    }
    return out;
  }

  /** A key whose string names one of a set of values; {@code parse} says which, or refuses. */
  private static <T> T namedValue(Map<String, Object> m, String key, T dflt,
      Function<String, T> parse, String where) {
    if (!m.containsKey(key)) {
      return dflt;
    }
    String value = stringValue(m, key, where);
    try {
      return parse.apply(value);
    } catch (ConfigException e) {
      throw new ConfigException(where + ": " + e.getMessage());
    }
  }

  /** An integer key within its range; the message names the key and the range. */
  private static int intValue(
      Map<String, Object> m, String key, int dflt, ConfigRange range, String where) {
    return (int) longValue(m, key, dflt, range, where);
  }

  private static boolean booleanValue(
      Map<String, Object> m, String key, boolean dflt, String where) {
    if (!m.containsKey(key)) {
      return dflt;
    }
    if (!(m.get(key) instanceof Boolean b)) {
      throw new ConfigException(where + ": '" + key + "' must be true or false, got " + m.get(key));
    }
    return b;
  }

  /** A number from 0 to 1 (an integer 0 or 1 is accepted as well). */
  private static double fractionValue(
      Map<String, Object> m, String key, double dflt, String where) {
    if (!m.containsKey(key)) {
      return dflt;
    }
    Object v = m.get(key);
    if (!(v instanceof Double || v instanceof Integer) || !(((Number) v).doubleValue() >= 0)
        || ((Number) v).doubleValue() > 1) {
      throw new ConfigException(where + ": " + key + " must be a number from 0 to 1, got "
          + (v instanceof Number ? v : "a " + (v == null ? "null" : "non-number")));
    }
    return ((Number) v).doubleValue();
  }

  private static long longValue(
      Map<String, Object> m, String key, long dflt, ConfigRange range, String where) {
    if (!m.containsKey(key)) {
      return dflt;
    }
    Object v = m.get(key);
    if (v instanceof BigInteger) {
      // Beyond 64 bits: out of every range, without echoing a number of any length.
      throw new ConfigException(where + ": " + range.key() + " must be between " + range.min()
          + " and " + range.max());
    }
    if (!(v instanceof Integer || v instanceof Long)) {
      throw new ConfigException(where + ": " + range.key() + " must be an integer between "
          + range.min() + " and " + range.max());
    }
    try {
      return range.check(((Number) v).longValue());
    } catch (ConfigException e) {
      throw new ConfigException(where + ": " + e.getMessage());
    }
  }
}
