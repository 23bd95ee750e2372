package io.inferencegw.gateway.cli;

import io.inferencegw.gateway.bench.SyntheticImages;
import io.inferencegw.gateway.preprocess.DecodedImage;
import io.inferencegw.gateway.preprocess.FastImageDecoder;
import io.inferencegw.gateway.preprocess.ImageDecoder;
import io.inferencegw.gateway.preprocess.ImagePreprocessor;
import io.inferencegw.gateway.worker.CpuInfo;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gateway bench-preprocess}: one image decoded and preprocessed to a network input, on one
 * thread with one LibTorch thread (as the gateway's preprocessing lanes run it), by the exact and
 * the fast decoder in turns, so both see the same machine state. Prints the CPU, the time per
 * image of each path (decode alone and decode plus resize, crop, normalise) and the ratio. Times
 * are the thread's CPU time, which other processes on a shared machine disturb far less than
 * wall-clock time; the wall-clock ratio is printed beside it.
 */
@Command(name = "bench-preprocess", mixinStandardHelpOptions = true,
    description = "Time decoding + preprocessing one JPEG: exact vs fast (scaled) decoding.")
final class PreprocessBenchmark implements Callable<Integer> {

  @Option(names = "--image", description = "encoded image file (default: a synthetic JPEG of --size)")
  Path image;

  @Option(names = "--size", defaultValue = "1920x1080",
      description = "WxH of the synthetic JPEG (default: ${DEFAULT-VALUE})")
  String size;

  @Option(names = "--resize", defaultValue = "256", description = "shorter side after resize (default: ${DEFAULT-VALUE})")
  int resize;

  @Option(names = "--crop", defaultValue = "224", description = "square crop (default: ${DEFAULT-VALUE})")
  int crop;

  @Option(names = "--gray", description = "a 1-channel network input instead of RGB")
  boolean gray;

  @Option(names = "--rounds", defaultValue = "5", description = "alternating rounds per path (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--iterations", defaultValue = "100", description = "images per round (default: ${DEFAULT-VALUE})")
  int iterations;

  @Override
  public Integer call() throws IOException {
    torch.set_num_threads(1);
    byte[] encoded = image != null ? Files.readAllBytes(image) : syntheticJpeg();
    ColorMode color = gray ? ColorMode.GRAYSCALE : ColorMode.RGB;
    float[] mean = gray ? new float[] {0.5f} : PreprocessSpec.IMAGENET_MEAN;
    float[] std = gray ? new float[] {0.5f} : PreprocessSpec.IMAGENET_STD;
    PreprocessSpec spec = new PreprocessSpec(color, resize, crop, crop, Interpolation.BILINEAR,
        mean, std);
    ImageDecoder exactDecoder = new ImageDecoder();
    FastImageDecoder fastDecoder = new FastImageDecoder(exactDecoder, resize);
    Function<byte[], DecodedImage> exact = bytes -> exactDecoder.decode(bytes, color);
    Function<byte[], DecodedImage> fast = bytes -> fastDecoder.decode(bytes, color);
    ImagePreprocessor exactPreprocessor = new ImagePreprocessor(spec);
    ImagePreprocessor fastPreprocessor = new ImagePreprocessor(spec, true);

    CpuInfo.ofThisMachine().print();
    DecodedImage full = exact.apply(encoded);
    DecodedImage reduced = fast.apply(encoded);
    System.out.printf(Locale.ROOT, "image: %s, %d bytes, %dx%d; fast path decodes it to %dx%d;"
            + " input %s%n", image != null ? image : "synthetic JPEG", encoded.length,
        full.width(), full.height(), reduced.width(), reduced.height(),
        Arrays.toString(exactPreprocessor.inputShape()));

    Timing exactTiming = new Timing();
    Timing fastTiming = new Timing();
    for (int round = 0; round <= rounds; round++) {
      boolean warmup = round == 0;
      exactTiming.add(measure(exact, null, encoded), measure(exact, exactPreprocessor, encoded),
          warmup);
      fastTiming.add(measure(fast, null, encoded), measure(fast, fastPreprocessor, encoded),
          warmup);
    }
    System.out.printf(Locale.ROOT, "%-6s %16s %26s %30s%n", "path", "decode CPU ms",
        "decode+preprocess CPU ms", "decode+preprocess wall ms");
    exactTiming.print("exact");
    fastTiming.print("fast");
    System.out.printf(Locale.ROOT, "speed-up of decode+preprocess: %.1fx CPU time, %.1fx wall time"
            + " (medians of %d rounds of %d images)%n",
        exactTiming.medianTotalCpu() / fastTiming.medianTotalCpu(),
        exactTiming.medianTotalWall() / fastTiming.medianTotalWall(), rounds, iterations);
    return 0;
  }

  /** Mean CPU and wall milliseconds per image over {@code iterations} images. */
  private double[] measure(Function<byte[], DecodedImage> decode, ImagePreprocessor preprocessor,
      byte[] encoded) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    try (PointerScope scope = new PointerScope()) {
      long[] shape = preprocessor == null ? new long[] {1} : preprocessor.inputShape();
      Tensor out = torch.empty(shape);
      for (int i = 0; i < iterations; i++) {
        DecodedImage decoded = decode.apply(encoded);
        if (preprocessor != null) {
          preprocessor.preprocess(decoded, out);
        }
      }
    }
    double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6 / iterations;
    return new double[] {cpu, (System.nanoTime() - start) / 1e6 / iterations};
  }

  private byte[] syntheticJpeg() {
    String[] wh = size.toLowerCase(Locale.ROOT).split("x");
    List<byte[]> images = SyntheticImages.jpegs(1, Integer.parseInt(wh[0]),
        Integer.parseInt(wh[1]), 1);
    return images.get(0);
  }

  /** Per-round means of one path; the medians are reported. */
  private static final class Timing {
    private final List<Double> decodeCpu = new ArrayList<>();
    private final List<Double> totalCpu = new ArrayList<>();
    private final List<Double> totalWall = new ArrayList<>();

    void add(double[] decode, double[] total, boolean warmup) {
      if (!warmup) {
        decodeCpu.add(decode[0]);
        totalCpu.add(total[0]);
        totalWall.add(total[1]);
      }
    }

    double medianTotalCpu() {
      return median(totalCpu);
    }

    double medianTotalWall() {
      return median(totalWall);
    }

    void print(String name) {
      System.out.printf(Locale.ROOT, "%-6s %16.2f %26.2f %30.2f%n", name, median(decodeCpu),
          median(totalCpu), median(totalWall));
    }

    private static double median(List<Double> values) {
      List<Double> sorted = new ArrayList<>(values);
      Collections.sort(sorted);
      return sorted.get(sorted.size() / 2);
    }
  }
}
