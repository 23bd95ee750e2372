package io.inferencegw.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figures of a run, per round and together, and the ratios the benchmark exists for: served
 * against our bare forward at its best batch size, served against DJL's best bare forward,
 * the default placement against one replica on all cores, and the idle latency beyond compute.
 */
final class Results {

  final List<List<ForwardRate>> ours = new ArrayList<>();
  final List<List<ForwardRate>> djl = new ArrayList<>();
  final List<LoadResult> served = new ArrayList<>();
  /** The same variant as one replica on all the cores (the former default). */
  final List<LoadResult> oneReplica = new ArrayList<>();
  LoadResult idle;
  /** Health checks on the idle gateway: the round trip that any call pays here. */
  LoadResult healthFloor;

  void printRound(int round, int callers) {
    System.out.printf(Locale.ROOT, "round %d%n", round);
    ForwardRate oursBest = null;
    ForwardRate djlBest = null;
    if (ours.size() >= round) {
      List<ForwardRate> rates = ours.get(round - 1);
      oursBest = best(rates);
      System.out.printf(Locale.ROOT, "  bare forward, ours: %s; best b%d%n", describe(rates),
          oursBest.batchSize());
    }
    if (djl.size() >= round) {
      List<ForwardRate> rates = djl.get(round - 1);
      djlBest = best(rates);
      System.out.printf(Locale.ROOT, "  bare forward, DJL:  %s; best b%d%n", describe(rates),
          djlBest.batchSize());
    }
    if (served.size() >= round) {
      LoadResult s = served.get(round - 1);
      System.out.println("  served, default config: " + describe(s, callers));
      if (oursBest != null) {
        printRatio("served / bare forward at its best", s.requestsPerSecond(),
            oursBest.imagesPerSecond());
      }
      if (djlBest != null) {
        printRatio("served / DJL's best", s.requestsPerSecond(), djlBest.imagesPerSecond());
      }
      if (oneReplica.size() >= round) {
        LoadResult one = oneReplica.get(round - 1);
        System.out.println("  served, 1 replica on all cores: " + describe(one, callers));
        printRatio("default config / 1 replica", s.requestsPerSecond(), one.requestsPerSecond());
      }
    }
  }

  void printSummary(CpuDescription cpu, String model, int callers, int imageSize) {
    System.out.println();
    System.out.println("== summary: " + model + ", all rounds ==");
    System.out.println("CPU: " + cpu.describe());
    Map<Integer, Double> oursMean = meanByBatch(ours);
    Map<Integer, Double> djlMean = meanByBatch(djl);
    Map.Entry<Integer, Double> oursBest = bestOf(oursMean);
    Map.Entry<Integer, Double> djlBest = bestOf(djlMean);
    if (oursBest != null) {
      System.out.printf(Locale.ROOT, "bare forward, ours (LibTorch in its own JVM), img/s: %s;"
          + " best b%d%n", describe(oursMean), oursBest.getKey());
    }
    if (djlBest != null) {
      System.out.printf(Locale.ROOT, "bare forward, DJL (TorchScript in its own JVM), img/s: %s;"
          + " best b%d%n", describe(djlMean), djlBest.getKey());
    }
    LoadResult one = merged(served);
    if (one != null) {
      System.out.printf("served, default config, %d callers, %dx%d JPEGs: %s%n", callers,
          imageSize, imageSize, describe(one, callers));
      if (oursBest != null) {
        printRatio("served / bare forward at b" + oursBest.getKey() + " (target >= 0.95)",
            one.requestsPerSecond(), oursBest.getValue());
      }
      if (djlBest != null) {
        printRatio("served / DJL at b" + djlBest.getKey() + " (target >= 1.2)",
            one.requestsPerSecond(), djlBest.getValue());
      }
    }
    LoadResult single = merged(oneReplica);
    if (single != null) {
      System.out.printf("served, 1 replica on all cores: %s%n", describe(single, callers));
      if (one != null) {
        printRatio("default config / 1 replica", one.requestsPerSecond(),
            single.requestsPerSecond());
      }
    }
    if (idle != null) {
      System.out.printf(Locale.ROOT, "idle latency, bundled config, 1 caller: %s%n",
          describe(idle, 1));
      System.out.printf(Locale.ROOT, "  p50 end to end %.3f ms, p50 compute %.3f ms, p50 queue"
              + " %.3f ms; p50 of end to end minus compute, per call: %.3f ms (target <= 0.3 ms)%n",
          LoadResult.millis(idle.endToEndMicros, 50), LoadResult.millis(idle.computeMicros, 50),
          LoadResult.millis(idle.queueMicros, 50),
          LoadResult.millis(idle.beyondComputeMicros, 50));
      if (healthFloor != null) {
        double floor = LoadResult.millis(healthFloor.endToEndMicros, 50);
        System.out.printf(Locale.ROOT, "  floor: p50 of a gRPC health check from the same client"
                + " %.3f ms (%d calls); Classify beyond compute and that floor: %.3f ms%n",
            floor, healthFloor.answered.get(),
            LoadResult.millis(idle.beyondComputeMicros, 50) - floor);
      }
    }
  }

  private static void printRatio(String what, double value, double reference) {
    System.out.printf(Locale.ROOT, "    ratio %s: %.3f%n", what, value / reference);
  }

  private static ForwardRate best(List<ForwardRate> rates) {
    return rates.stream().max(Comparator.comparingDouble(ForwardRate::imagesPerSecond))
        .orElseThrow(() -> new IllegalStateException("a forward process reported no rates"));
  }

  private static String describe(List<ForwardRate> rates) {
    return rates.stream()
        .map(r -> String.format(Locale.ROOT, "b%d %.1f", r.batchSize(), r.imagesPerSecond()))
        .collect(Collectors.joining(", "));
  }

  private static String describe(Map<Integer, Double> rates) {
    return rates.entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "b%d %.1f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", "));
  }

  static String describe(LoadResult r, int callers) {
    return String.format(Locale.ROOT, "%.1f req/s, p50 %.2f ms, p99 %.2f ms, p50 compute"
            + " %.2f ms, p50 queue %.2f ms, mean batch %.2f, %d answered, %d errors%s",
        r.requestsPerSecond(), LoadResult.millis(r.endToEndMicros, 50),
        LoadResult.millis(r.endToEndMicros, 99), LoadResult.millis(r.computeMicros, 50),
        LoadResult.millis(r.queueMicros, 50), r.meanBatchSize(), r.answered.get(),
        r.errors.get(), r.firstError == null ? "" : " (first: " + r.firstError + ")");
  }

  private static Map<Integer, Double> meanByBatch(List<List<ForwardRate>> rounds) {
    Map<Integer, List<Double>> byBatch = new LinkedHashMap<>();
    for (List<ForwardRate> round : rounds) {
      for (ForwardRate r : round) {
        byBatch.computeIfAbsent(r.batchSize(), b -> new ArrayList<>()).add(r.imagesPerSecond());
      }
    }
    Map<Integer, Double> mean = new LinkedHashMap<>();
    byBatch.forEach((b, v) -> mean.put(b, v.stream().mapToDouble(d -> d).average().orElse(0)));
    return mean;
  }

  private static Map.Entry<Integer, Double> bestOf(Map<Integer, Double> rates) {
    return rates.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(null);
  }

  private static LoadResult merged(List<LoadResult> rounds) {
    if (rounds.isEmpty()) {
      return null;
    }
    LoadResult all = new LoadResult();
    for (LoadResult r : rounds) {
      all.endToEndMicros.add(r.endToEndMicros);
      all.computeMicros.add(r.computeMicros);
      all.queueMicros.add(r.queueMicros);
      all.beyondComputeMicros.add(r.beyondComputeMicros);
      all.answered.addAndGet(r.answered.get());
      all.errors.addAndGet(r.errors.get());
      all.batchSizeSum.addAndGet(r.batchSizeSum.get());
      all.elapsedNanos += r.elapsedNanos;
      if (all.firstError == null) {
        all.firstError = r.firstError;
      }
    }
    return all;
  }
}
