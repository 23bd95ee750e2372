package io.inferencegw.plugins.lenet.train;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.weights.SafetensorsReader;
import io.inferencegw.plugin.api.weights.SafetensorsWriter;
import io.inferencegw.plugin.api.weights.WeightLoader;
import io.inferencegw.plugin.api.weights.WeightsProvenance;
import io.inferencegw.plugins.lenet.LenetFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.global.torch;

/**
 * Trains a LeNet variant on Fashion-MNIST and writes its weights as safetensors, or evaluates a
 * weights file on the test split.
 *
 * <pre>
 * cd plugins/lenet && mvn -B -q compile exec:java \
 *     -Dexec.mainClass=io.inferencegw.plugins.lenet.train.TrainLenet -Dexec.classpathScope=compile \
 *     -Dexec.args="--variant lenet5-relu --epochs 15 --out weights/fashion-lenet5-relu.safetensors"
 *
 *     ... -Dexec.args="--evaluate weights/fashion-lenet5-relu.safetensors"
 * </pre>
 *
 * Options: {@code --variant NAME} ({@value #DEFAULT_VARIANT}), {@code --epochs N}, {@code --lr
 * X}, {@code --schedule cosine|constant}, {@code --batch-size N}, {@code --seed N}, {@code --threads N}, {@code --data DIR} (the
 * Fashion-MNIST IDX files), {@code --out FILE}, {@code --evaluate FILE}.
 */
public final class TrainLenet {

  static final String DEFAULT_VARIANT = "lenet5-relu";

  private TrainLenet() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> opts = parse(args);
    // One intra-op thread by default: on the 2-core build machine two OpenMP threads ran an
    // epoch ~9x slower (43 s vs 5 s) because they spin against the JVM and other processes.
    torch.set_num_threads(Integer.parseInt(opts.getOrDefault("threads", "1")));
    Path data = opts.containsKey("data") ? Path.of(opts.get("data")) : FashionMnist.defaultDir();
    if (opts.containsKey("evaluate")) {
      evaluate(Path.of(opts.get("evaluate")), opts.get("variant"), data);
    } else {
      train(opts, data);
    }
  }

  private static void train(Map<String, String> opts, Path data) throws IOException {
    String variant = opts.getOrDefault("variant", DEFAULT_VARIANT);
    Trainer.Settings settings =
        new Trainer.Settings(
            Integer.parseInt(opts.getOrDefault("epochs", "10")),
            Integer.parseInt(opts.getOrDefault("batch-size", "64")),
            Double.parseDouble(opts.getOrDefault("lr", "1e-3")),
            switch (opts.getOrDefault("schedule", "cosine")) {
              case "cosine" -> true;
              case "constant" -> false;
              default -> throw new IllegalArgumentException("--schedule cosine|constant");
            },
            Long.parseLong(opts.getOrDefault("seed", "42")));
    Path out = Path.of(opts.getOrDefault("out", "fashion-" + variant + ".safetensors"));

    LenetFamily family = new LenetFamily();
    family.requireVariant(variant);
    FashionMnist train = FashionMnist.train(data);
    FashionMnist test = FashionMnist.test(data);
    System.out.printf(Locale.ROOT, "training %s on %d images (test %d), %s, %d thread(s)%n",
        variant, train.count(), test.count(), settings, torch.get_num_threads());

    long start = System.nanoTime();
    Trainer.seed(settings.seed());
    try (ClassifierModule model = family.build(variant)) {
      Trainer.EpochResult last = new Trainer(settings, System.out).train(model, train, test);
      double seconds = (System.nanoTime() - start) / 1e9;

      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("format", "pt");
      // The gateway refuses to load the file into another variant (LeNet-5's two share shapes).
      metadata.putAll(WeightsProvenance.of(family.name(), variant));
      metadata.put("dataset", "fashion-mnist");
      metadata.put("epochs", Integer.toString(settings.epochs()));
      metadata.put("batch_size", Integer.toString(settings.batchSize()));
      metadata.put("learning_rate", Double.toString(settings.learningRate()));
      metadata.put("lr_schedule", settings.cosineSchedule() ? "cosine" : "constant");
      metadata.put("optimizer", "adam");
      metadata.put("seed", Long.toString(settings.seed()));
      metadata.put("normalize_mean", Float.toString(LenetFamily.FASHION_MNIST_MEAN));
      metadata.put("normalize_std", Float.toString(LenetFamily.FASHION_MNIST_STD));
      metadata.put("test_accuracy", String.format(Locale.ROOT, "%.4f", last.testAccuracy()));
      metadata.put("train_seconds", String.format(Locale.ROOT, "%.1f", seconds));
      Path parent = out.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      SafetensorsWriter.write(out, StateDict.of(model), metadata);
      System.out.printf(Locale.ROOT, "test accuracy %.4f after %d epochs in %.1f s; wrote %s%n",
          last.testAccuracy(), settings.epochs(), seconds, out);
    }
  }

  private static void evaluate(Path file, String variant, Path data) throws IOException {
    if (variant == null) {
      try (SafetensorsReader reader = SafetensorsReader.open(file)) {
        variant = reader.metadata().getOrDefault(WeightsProvenance.VARIANT, DEFAULT_VARIANT);
      }
    }
    FashionMnist test = FashionMnist.test(data);
    try (ClassifierModule model = new LenetFamily().build(variant)) {
      WeightLoader.loadStrict(model, file);
      double accuracy = Evaluation.accuracy(model, test, 1000);
      System.out.printf(Locale.ROOT, "%s (%s): test accuracy %.4f on %d images%n",
          file, variant, accuracy, test.count());
    }
  }

  private static final List<String> OPTIONS = List.of(
      "variant", "epochs", "lr", "schedule", "batch-size", "seed", "threads", "data", "out",
      "evaluate");

  private static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : null;
      if (name == null || !OPTIONS.contains(name) || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "bad argument '" + args[i] + "'; expected --option value pairs, options: " + OPTIONS);
      }
      opts.put(name, args[i + 1]);
    }
    return opts;
  }
}
