package io.inferencegw.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The timing protocol both bare forwards share (ours and DJL's), so that their figures compare:
 * untimed warm-up passes, then timed passes until both a minimum count and a minimum time are
 * reached; throughput is the batch size over the median pass time (the median, because a shared
 * machine adds outliers in one direction only).
 */
record PassTimer(int warmupPasses, int minPasses, double minSeconds) {

  ForwardRate measure(int batchSize, Runnable pass) {
    for (int i = 0; i < warmupPasses; i++) {
      pass.run();
    }
    List<Long> nanos = new ArrayList<>();
    long started = System.nanoTime();
    while (nanos.size() < minPasses || (System.nanoTime() - started) / 1e9 < minSeconds) {
      long t0 = System.nanoTime();
      pass.run();
      nanos.add(System.nanoTime() - t0);
    }
    return new ForwardRate(batchSize, batchSize / (median(nanos) / 1e9), nanos.size());
  }

  private static double median(List<Long> values) {
    long[] v = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
  }

  List<String> toArgs() {
    return List.of(Integer.toString(warmupPasses), Integer.toString(minPasses),
        Double.toString(minSeconds));
  }

  static PassTimer fromArgs(String[] args, int from) {
    return new PassTimer(Integer.parseInt(args[from]), Integer.parseInt(args[from + 1]),
        Double.parseDouble(args[from + 2]));
  }
}
