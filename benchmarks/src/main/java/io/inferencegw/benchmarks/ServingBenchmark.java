package io.inferencegw.benchmarks;

import io.inferencegw.gateway.bench.RandomWeights;
import io.inferencegw.gateway.bench.SyntheticImages;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Serving benchmark: the real gateway in its own JVM, driven from this process by concurrent gRPC
 * callers, against the bare forward of the same network with the same weights (ours, and DJL's
 * of a TorchScript export), all measured in one run on one machine, in alternating rounds.
 * Prints each figure and the ratios between them; see docs/benchmarks.md, "Serving benchmark".
 */
@Command(name = "serving-benchmark", mixinStandardHelpOptions = true,
    description = "Served throughput and latency against the bare forward and against DJL.")
public final class ServingBenchmark implements Callable<Integer> {

  @Option(names = "--model", defaultValue = "mobilenet_v3_large",
      description = "catalog variant, served with its family's random weights (default: ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--callers", defaultValue = "32", description = "concurrent callers (default: ${DEFAULT-VALUE})")
  int callers;

  @Option(names = "--seconds", defaultValue = "10", description = "measured seconds per served period (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--warmup-seconds", defaultValue = "5", description = "discarded seconds before each served period (default: ${DEFAULT-VALUE})")
  int warmupSeconds;

  @Option(names = "--rounds", defaultValue = "2", description = "alternating rounds (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--forward-seconds", defaultValue = "3", description = "least timed seconds per batch size of a bare forward (default: ${DEFAULT-VALUE})")
  double forwardSeconds;

  @Option(names = "--forward-warmup-passes", defaultValue = "3")
  int forwardWarmupPasses;

  @Option(names = "--forward-min-passes", defaultValue = "3")
  int forwardMinPasses;

  @Option(names = "--batches", defaultValue = "1,2,4,8,16,32", split = ",", description = "batch sizes of our bare forward (default: ${DEFAULT-VALUE})")
  List<Integer> batches;

  @Option(names = "--djl-batches", defaultValue = "1,8", split = ",", description = "batch sizes of DJL's bare forward (default: ${DEFAULT-VALUE})")
  List<Integer> djlBatches;

  @Option(names = "--image-size", defaultValue = "256", description = "side of the JPEGs the callers send (default: ${DEFAULT-VALUE})")
  int imageSize;

  @Option(names = "--parts", defaultValue = "forward,served,replicas,djl,idle", split = ",",
      description = "what to measure (default: ${DEFAULT-VALUE})")
  Set<String> parts;

  @Option(names = "--repository", defaultValue = ".", description = "repository root: gateway jar, plugins, scripts (default: the working directory)")
  Path repository;

  @Option(names = "--gateway-jar", description = "default: gateway/target/gateway.jar in --repository")
  Path gatewayJar;

  @Option(names = "--plugins", description = "default: plugins/ beside the gateway jar")
  Path plugins;

  @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with Debian's torch and torchvision, for the TorchScript export (default: ${DEFAULT-VALUE})")
  Path python;

  @Option(names = "--work-dir", description = "weights, export, configs and logs (default: a new temporary folder)")
  Path workDir;

  /** Plugin loading and unloading logs a line per plugin: noise in a benchmark's output. */
  static final String QUIET_REGISTRY = "org.slf4j.simpleLogger.log.io.inferencegw.gateway.registry";

  public static void main(String[] args) {
    System.setProperty(QUIET_REGISTRY, "warn");
    // an interrupted run must not leave a gateway or a forward running on the cores
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
    System.exit(new CommandLine(new ServingBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Set<String> known = Set.of("forward", "served", "replicas", "djl", "idle");
    if (!known.containsAll(parts)) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--parts takes " + known + ", not " + parts);
    }
    Path jar = gatewayJar != null ? gatewayJar : repository.resolve("gateway/target/gateway.jar");
    Path pluginsDir = plugins != null ? plugins : jar.toAbsolutePath().getParent().resolve("plugins");
    Path work = workDir != null ? Files.createDirectories(workDir)
        : Files.createTempDirectory("serving-benchmark-");
    CpuDescription cpu = CpuDescription.ofThisMachine();
    int cores = cpu.cores();

    System.out.println("CPU: " + cpu.describe());
    // Inherited by the gateway and both forwards: with the default (spinning) policy, OpenMP
    // threads on a machine that has more runnable threads than cores lose most of their time
    // waiting at barriers for a thread that is not running.
    System.out.printf(Locale.ROOT, "OMP_WAIT_POLICY %s, OPENBLAS_NUM_THREADS %s (all processes)%n",
        System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"),
        System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset"));
    System.out.printf(Locale.ROOT, "model %s; %d callers, %d s measured after %d s warm-up per"
        + " served period; %d rounds; work dir %s%n", model, callers, seconds, warmupSeconds,
        rounds, work);

    CatalogVariant variant = CatalogVariant.find(pluginsDir, model);
    Path weights = RandomWeights.write(variant.family(), model,
        work.resolve(model + ".safetensors"));
    String family = variant.familyName();
    String inputShape = variant.inputShapeArg();
    variant.plugin().unload();
    System.out.printf("%s/%s, input %s, random weights %s%n", family, model, inputShape, weights);

    PassTimer timer = new PassTimer(forwardWarmupPasses, forwardMinPasses, forwardSeconds);
    JavaProcess processes = new JavaProcess(work);
    Path torchScript = null;
    if (parts.contains("djl")) {
      torchScript = TorchScriptExport.export(python,
          repository.resolve("benchmarks/src/main/python/export_torchscript.py"), model,
          weights, inputShape, work.resolve(model + ".pt"));
    }

    Results results = new Results();
    Vertx vertx = Vertx.vertx();
    try {
      List<byte[]> jpegs = SyntheticImages.jpegs(64, imageSize, imageSize, 20240611L);
      boolean serving = parts.contains("served") || parts.contains("replicas");
      ServedGateway gateway = serving ? ServedGateway.start(jar,
          ServingConfig.write(work, pluginsDir, family, model, weights),
          work.resolve("gateway.log"), 600) : null;
      try {
        if (gateway != null) {
          System.out.println("gateway (own JVM) serves " + gateway.servedModels(vertx));
        }
        ClosedLoopCallers load = gateway == null ? null
            : new ClosedLoopCallers(vertx, gateway.port(), jpegs);
        for (int round = 1; round <= rounds; round++) {
          List<Runnable> steps = new ArrayList<>();
          int r = round;
          if (parts.contains("forward")) {
            steps.add(unchecked(() -> results.ours.add(forward(processes, "forward-" + r,
                LibTorchForward.class, List.of("-D" + QUIET_REGISTRY + "=warn",
                    ServedGateway.JAVACPP_NO_RSS_LIMIT), Map.of(), List.of(
                    pluginsDir.toString(), model, weights.toString(), Integer.toString(cores),
                    join(batches), "true"), timer))));
          }
          if (parts.contains("served")) {
            steps.add(() -> results.served.add(load.run(model, callers, warmupSeconds, seconds)));
          }
          if (parts.contains("replicas")) {
            steps.add(() -> results.oneReplica.add(load.run(
                model + ServingConfig.ONE_REPLICA_SUFFIX, callers, warmupSeconds, seconds)));
          }
          if (parts.contains("djl")) {
            Path pt = torchScript;
            steps.add(unchecked(() -> results.djl.add(forward(processes, "djl-" + r,
                DjlForward.class, DjlSettings.jvmOptions(cores), DjlSettings.environment(),
                List.of(pt.toString(), inputShape, join(djlBatches)), timer))));
          }
          // every other round runs the steps in reverse, so no measurement always comes first
          if (round % 2 == 0) {
            Collections.reverse(steps);
          }
          steps.forEach(Runnable::run);
          results.printRound(round, callers);
        }
      } finally {
        if (gateway != null) {
          gateway.close();
        }
      }
      if (parts.contains("idle")) {
        idleLatency(vertx, jar, work, results);
      }
    } finally {
      vertx.close().await();
    }
    results.printSummary(cpu, model, callers, imageSize);
    return 0;
  }

  /**
   * The bundled default config (no --config), one caller, Fashion-MNIST sample PNGs; and, on
   * the same gateway before it, the floor of health checks.
   */
  private void idleLatency(Vertx vertx, Path jar, Path work, Results results) throws Exception {
    List<byte[]> pngs = new ArrayList<>();
    try (var files = Files.list(repository.resolve("deploy/samples"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".png")).sorted().toList()) {
        pngs.add(Files.readAllBytes(p));
      }
    }
    try (ServedGateway bundled = ServedGateway.start(jar, null, work.resolve("gateway-bundled.log"), 120)) {
      String lenet = bundled.servedModels(vertx).get(0);
      ClosedLoopCallers caller = new ClosedLoopCallers(vertx, bundled.port(), pngs);
      results.healthFloor = caller.healthChecks(warmupSeconds, seconds);
      results.idle = caller.run(lenet, 1, warmupSeconds, seconds);
    }
  }

  private static List<ForwardRate> forward(JavaProcess processes, String label, Class<?> main,
      List<String> jvmOptions, Map<String, String> env, List<String> args,
      PassTimer timer) throws Exception {
    List<String> all = new ArrayList<>(args);
    all.addAll(timer.toArgs());
    List<String> lines = processes.run(label, main, jvmOptions, env, all);
    // the settings line each forward prints first; its full log is in the work dir
    lines.stream().filter(l -> !l.startsWith(ForwardRate.RESULT_PREFIX))
        .filter(l -> !l.isBlank() && !l.startsWith("["))
        .forEach(l -> System.out.println("  " + label + ": " + l));
    return lines.stream().filter(l -> l.startsWith(ForwardRate.RESULT_PREFIX))
        .map(ForwardRate::fromLine).toList();
  }

  private static String join(List<Integer> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  private interface Step {
    void run() throws Exception;
  }

  private static Runnable unchecked(Step step) {
    return () -> {
      try {
        step.run();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }
}
