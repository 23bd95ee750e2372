package io.inferencegw.plugin.api.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.MemoryLayout;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.weights.WeightLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Images per second of our modules against torchvision, on the same machine in the same run,
 * with the same number of torch threads, the same weights and the same input images, for the
 * tables of docs/speed.md. One Markdown table row per variant. From a plugin module:
 *
 * <pre>
 * mvn -B -q test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.inferencegw.plugin.api.parity.SpeedComparison \
 *   -Dexec.args="--family io.inferencegw.plugins.vgg.VggFamily --variants vgg11,vgg16 --threads 2"
 * </pre>
 *
 * <p>{@code --family} is a {@link ModelFamily} or a {@link FamilyParityTest} subclass (whose
 * reference mapping is then used). Options: {@code --variants} (default all), {@code --threads}
 * (default all cores), {@code --blas-threads} (OpenBLAS's own pool, both sides; default
 * {@code OPENBLAS_NUM_THREADS} or 1), {@code --batches 1,8}, {@code --warmup 2},
 * {@code --min-iterations 5}, {@code --min-seconds 3}, {@code --layout channels_last} (default,
 * as the gateway serves CPU replicas; both sides) or {@code contiguous}. Protocol on both sides:
 * warm-up passes, then timed passes until both minimums are reached; throughput is batch size /
 * median pass time. Java runs the way the gateway's workers do: eval mode, one
 * {@link InferenceMode} guard, a {@link PointerScope} per pass. Python runs first, then Java,
 * never both at once.
 */
public final class SpeedComparison {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SpeedComparison() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    Object target = instantiate(require(opts, "family"));
    ModelFamily family;
    Function<String, Reference> references;
    if (target instanceof FamilyParityTest test) {
      family = test.family();
      references = test::reference;
    } else {
      family = (ModelFamily) target;
      references = Reference::torchvision;
    }
    List<String> variants = opts.containsKey("variants")
        ? Arrays.asList(opts.get("variants").split(","))
        : family.variants().stream().map(VariantSpec::name).toList();
    int threads = Integer.parseInt(
        opts.getOrDefault("threads", "" + Runtime.getRuntime().availableProcessors()));
    List<Integer> batches = Arrays.stream(opts.getOrDefault("batches", "1,8").split(","))
        .map(Integer::parseInt).toList();
    Protocol protocol = new Protocol(
        Integer.parseInt(opts.getOrDefault("warmup", "2")),
        Integer.parseInt(opts.getOrDefault("min-iterations", "5")),
        Double.parseDouble(opts.getOrDefault("min-seconds", "3")));

    TorchvisionOracle oracle = TorchvisionOracle.find().orElseThrow(
        () -> new IllegalStateException("no Python with torch and torchvision; set -Dparity.python"));
    torch.set_num_threads(threads);
    System.setProperty("parity.threads", Integer.toString(threads));
    // LibTorch parallelises with OpenMP; OpenBLAS, which it calls for matrix products, has a
    // thread pool of its own. With OpenMP's default spin-waiting, both at N threads oversubscribe
    // the cores and make batch-1 passes several times slower on a small machine, so BLAS runs
    // single-threaded unless --blas-threads or OPENBLAS_NUM_THREADS says otherwise (as in the
    // gateway). torchvision's process gets the same OpenBLAS threads, and the same environment
    // (OMP_WAIT_POLICY included).
    int blasThreads = Integer.parseInt(opts.getOrDefault("blas-threads",
        System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "1")));
    openblas_nolapack.blas_set_num_threads(blasThreads);
    Map<String, String> pythonEnv = Map.of("OPENBLAS_NUM_THREADS", Integer.toString(blasThreads));
    String layout = opts.getOrDefault("layout", "channels_last");
    if (!layout.equals("channels_last") && !layout.equals("contiguous")) {
      throw new IllegalArgumentException("--layout is channels_last or contiguous, not " + layout);
    }
    boolean channelsLast = layout.equals("channels_last");
    System.out.printf(Locale.ROOT, "%d cores; ours: LibTorch %s, %d threads, OpenBLAS %d threads;"
        + " torchvision: %s, OpenBLAS %d threads; OMP_WAIT_POLICY %s; layout %s%n",
        Runtime.getRuntime().availableProcessors(),
        torch.class.getPackage().getImplementationVersion(), torch.get_num_threads(),
        openblas_nolapack.blas_get_num_threads(), oracle.python(), blasThreads,
        System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"), layout);

    List<String> rows = new ArrayList<>();
    for (String variant : variants) {
      rows.add(compare(oracle, family, variant, references.apply(variant), threads, batches,
          protocol, pythonEnv, channelsLast));
      System.out.println(rows.get(rows.size() - 1));
    }
    System.out.println();
    System.out.println(header(batches));
    rows.forEach(System.out::println);
  }

  record Protocol(int warmup, int minIterations, double minSeconds) {}

  static String header(List<Integer> batches) {
    StringBuilder h = new StringBuilder("| variant | parameters | threads |");
    StringBuilder rule = new StringBuilder("|---|---:|---:|");
    for (int b : batches) {
      h.append(" b").append(b).append(" ours img/s | b").append(b)
          .append(" torchvision img/s | b").append(b).append(" ours/tv |");
      rule.append("---:|---:|---:|");
    }
    return h + "\n" + rule;
  }

  private static String compare(TorchvisionOracle oracle, ModelFamily family, String variant,
      Reference reference, int threads, List<Integer> batches, Protocol protocol,
      Map<String, String> pythonEnv, boolean channelsLast) throws IOException {
    VariantSpec spec = family.requireVariant(variant);
    String shape = spec.inputShape().stream().map(String::valueOf)
        .collect(Collectors.joining(","));
    try (ReferenceRun run = oracle.run(reference, spec.inputShape())) {
      Path dir = run.weights().getParent().resolve("speed");
      List<String> args = new ArrayList<>(List.of(
          "--weights", run.weights().toString(), "--out", dir.toString(),
          "--input-shape", shape, "--threads", Integer.toString(threads),
          "--batches", batches.stream().map(String::valueOf).collect(Collectors.joining(",")),
          "--warmup", "" + protocol.warmup(), "--min-iterations", "" + protocol.minIterations(),
          "--min-seconds", "" + protocol.minSeconds(), reference.argument()));
      if (channelsLast) {
        args.add("--channels-last");
      }
      oracle.runScript(TorchvisionOracle.SPEED_SCRIPT, args, pythonEnv);
      JsonNode python = JSON.readTree(Files.readString(dir.resolve("speed.json")));

      StringBuilder row = new StringBuilder();
      try (ClassifierModule model = family.build(variant)) {
        WeightLoader.loadStrict(model, run.weights());
        model.eval();
        if (channelsLast) {
          MemoryLayout.channelsLast(model);
        }
        row.append(String.format(Locale.ROOT, "| %s | %,d | %d |",
            variant, StateDict.parameterCount(model), threads));
        for (int b : batches) {
          double ours;
          try (PointerScope scope = new PointerScope()) {
            Tensor input = ParityHarness.read(dir.resolve("input-b" + b + ".safetensors"), "input");
            if (channelsLast) {
              input = input.contiguous(torch.MemoryFormat.ChannelsLast);
            }
            ours = imagesPerSecond(model, input, protocol);
          }
          double theirs = python.get("batches").get("" + b).get("images_per_second").asDouble();
          row.append(String.format(Locale.ROOT, " %.2f | %.2f | %.2f |",
              ours, theirs, ours / theirs));
        }
      }
      return row.toString();
    }
  }

  /** Same protocol as parity_speed.py's measure(). */
  static double imagesPerSecond(ClassifierModule model, Tensor input, Protocol protocol) {
    List<Double> times = new ArrayList<>();
    try (InferenceMode guard = new InferenceMode()) {
      for (int i = 0; i < protocol.warmup(); i++) {
        forward(model, input);
      }
      long started = System.nanoTime();
      while (times.size() < protocol.minIterations()
          || (System.nanoTime() - started) / 1e9 < protocol.minSeconds()) {
        long t0 = System.nanoTime();
        forward(model, input);
        times.add((System.nanoTime() - t0) / 1e9);
      }
    }
    return input.size(0) / median(times);
  }

  private static void forward(ClassifierModule model, Tensor input) {
    try (PointerScope pass = new PointerScope()) {
      model.forward(input);
    }
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static Object instantiate(String className) throws ReflectiveOperationException {
    var constructor = Class.forName(className).getDeclaredConstructor();
    constructor.setAccessible(true);
    return constructor.newInstance();
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value pairs, got: " + args[i]
            + "\noptions: --family --variants --threads --blas-threads --batches --warmup"
            + " --min-iterations"
            + " --min-seconds");
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    return opts;
  }

  private static String require(Map<String, String> opts, String name) {
    String value = opts.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }
}
