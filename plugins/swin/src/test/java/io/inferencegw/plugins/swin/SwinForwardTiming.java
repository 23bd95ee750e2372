package io.inferencegw.plugins.swin;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.StateDict;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Forward-pass time of one Swin variant for several builds of this plugin in one process,
 * passes interleaved, so that they share the machine's state. Not a test: a main to run by
 * hand, in test scope.
 *
 * <pre>
 * java -cp plugins/swin/target/test-classes:CLASSPATH \
 *   io.inferencegw.plugins.swin.SwinForwardTiming \
 *   --impl before=DIR --impl after=plugins/swin/target/classes \
 *   [--variant swin_t] [--batches 1,8] [--threads 1] [--warmup 3] [--passes 20]
 * </pre>
 *
 * CLASSPATH is the plugin's test classpath without its own classes; each {@code --impl} is a
 * directory of compiled plugin classes, loaded child-first in a class loader of its own (as
 * PF4J loads a plugin), over LibTorch and the plugin API shared by all. Every build gets the
 * same weights (the first build's, copied) and the same input; the first pass also prints the
 * largest difference of each build's logits from the first build's. Per batch size, each round
 * runs one pass of every build, in an order that rotates by round; a pass is timed as the
 * gateway runs it: eval mode, one {@link InferenceMode} guard, a {@link PointerScope} per pass.
 * Prints the median and the fastest of the passes, in milliseconds (on a machine shared with
 * other work the fastest pass is the steadier figure).
 */
public final class SwinForwardTiming {

  private static final String PLUGIN_PACKAGE = "io.inferencegw.plugins.swin.";

  private SwinForwardTiming() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> impls = new LinkedHashMap<>();
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--impl")) {
        String[] kv = args[i + 1].split("=", 2);
        impls.put(kv[0], kv[1]);
      } else {
        opts.put(args[i].substring(2), args[i + 1]);
      }
    }
    if (impls.isEmpty()) {
      throw new IllegalArgumentException("at least one --impl NAME=CLASSES_DIR");
    }
    String variant = opts.getOrDefault("variant", "swin_t");
    int threads = Integer.parseInt(opts.getOrDefault("threads", "1"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "3"));
    int passes = Integer.parseInt(opts.getOrDefault("passes", "20"));
    List<Integer> batches = Arrays.stream(opts.getOrDefault("batches", "1,8").split(","))
        .map(Integer::parseInt).toList();
    torch.set_num_threads(threads);
    openblas_nolapack.blas_set_num_threads(1);
    System.out.printf(Locale.ROOT, "%s, %d LibTorch threads, OpenBLAS 1 thread, %d cores, "
        + "OMP_WAIT_POLICY %s, %d warm-up + %d timed passes per build and batch size%n",
        variant, torch.get_num_threads(), Runtime.getRuntime().availableProcessors(),
        System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"), warmup, passes);

    List<String> names = new ArrayList<>(impls.keySet());
    List<ClassifierModule> models = new ArrayList<>();
    for (String name : names) {
      ModelFamily family = load(Path.of(impls.get(name)));
      ClassifierModule model = family.build(variant);
      model.eval();
      models.add(model);
    }
    copyWeights(models.get(0), models);

    int size = variant.startsWith("swin_v2") ? 256 : 224;
    torch.manual_seed(0);
    StringBuilder table = new StringBuilder("| batch |");
    names.forEach(n -> table.append(' ').append(n).append(" median | ").append(n)
        .append(" min |"));
    table.append("\n|---:|").append("---:|---:|".repeat(names.size())).append('\n');
    try (InferenceMode guard = new InferenceMode()) {
      for (int batch : batches) {
        Tensor input = torch.randn(batch, 3, size, size);
        reportDifferences(names, models, input);
        double[][] times = new double[models.size()][passes];
        for (int round = -warmup; round < passes; round++) {
          for (int k = 0; k < models.size(); k++) {
            int m = Math.floorMod(k + round, models.size());
            long start = System.nanoTime();
            try (PointerScope pass = new PointerScope()) {
              models.get(m).forward(input).sum().item_double();
            }
            if (round >= 0) {
              times[m][round] = (System.nanoTime() - start) / 1e6;
            }
          }
        }
        input.close();
        table.append("| ").append(batch).append(" |");
        for (double[] t : times) {
          double[] sorted = t.clone();
          Arrays.sort(sorted);
          double median = (sorted[(passes - 1) / 2] + sorted[passes / 2]) / 2;
          table.append(String.format(Locale.ROOT, " %.1f | %.1f |", median, sorted[0]));
        }
        table.append('\n');
      }
    }
    System.out.print(table);
    models.forEach(ClassifierModule::close);
  }

  private static void reportDifferences(List<String> names, List<ClassifierModule> models,
      Tensor input) {
    try (PointerScope scope = new PointerScope()) {
      Tensor first = models.get(0).forward(input);
      for (int m = 1; m < models.size(); m++) {
        double diff = models.get(m).forward(input).sub(first).abs().max().item_double();
        System.out.printf(Locale.ROOT, "batch %d: max |%s - %s| = %.3e%n", input.size(0),
            names.get(m), names.get(0), diff);
      }
    }
  }

  private static void copyWeights(ClassifierModule from, List<ClassifierModule> to) {
    try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
      Map<String, Tensor> source = StateDict.of(from);
      for (ClassifierModule model : to.subList(1, to.size())) {
        Map<String, Tensor> target = StateDict.of(model);
        if (!target.keySet().equals(source.keySet())) {
          throw new IllegalStateException("builds differ in their state_dict keys");
        }
        target.forEach((key, t) -> t.copy_(source.get(key)));
      }
    }
  }

  /** The build's family, from its classes directory, child-first for the plugin's package. */
  private static ModelFamily load(Path classes) throws IOException, ReflectiveOperationException {
    ClassLoader parent = SwinForwardTiming.class.getClassLoader();
    URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, parent) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.startsWith(PLUGIN_PACKAGE)) {
          return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
          Class<?> c = findLoadedClass(name);
          if (c == null) {
            c = findClass(name);
          }
          if (resolve) {
            resolveClass(c);
          }
          return c;
        }
      }
    };
    return (ModelFamily) loader.loadClass(PLUGIN_PACKAGE + "SwinFamily")
        .getDeclaredConstructor().newInstance();
  }
}
