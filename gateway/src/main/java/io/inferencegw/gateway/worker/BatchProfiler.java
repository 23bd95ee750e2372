package io.inferencegw.gateway.worker;

import io.inferencegw.gateway.batching.BatchProfile;
import io.inferencegw.gateway.config.BatchingConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToLongFunction;

/**
 * Measures a replica's batch profile at warm-up (see {@link BatchProfile}): the forward time at
 * batch sizes 1, 2, 4, ... up to {@code max_batch_size}, each the median of its timed passes
 * after an untimed one (a new batch size makes the kernels allocate and choose their algorithms
 * on its first pass). A size gets at least {@link #MIN_PASSES} timed passes, and more until they
 * add up to {@link #MIN_TIMED_NANOS}: the sub-millisecond passes of a small network vary too much
 * for three to tell two sizes apart.
 *
 * <p>Bounded: it stops after the first size whose pass exceeds the latency bound (larger sizes
 * take longer still and would not be chosen), or once it has spent {@link #BUDGET_NANOS}. When
 * the config pins the batch sizes, only batch size 1 is measured: the dispatch policy needs its
 * time (see {@link io.inferencegw.gateway.batching.DispatchPlan}).
 */
public final class BatchProfiler {

  /** Fewest timed passes per size, after one untimed pass; their median counts. */
  static final int MIN_PASSES = 3;

  /** Most timed passes per size. */
  static final int MAX_PASSES = 50;

  /** Timed passes of one size go on until they add up to this (or {@link #MAX_PASSES}). */
  static final long MIN_TIMED_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  /** Most time a replica spends profiling: a slow model on a slow device loads in bounded time. */
  static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(20);

  private BatchProfiler() {}

  /**
   * @param forwardNanos runs one forward pass at the given batch size and returns its time
   */
  public static BatchProfile profile(IntToLongFunction forwardNanos, BatchingConfig batching) {
    // One replica profiles at a time in a process: replicas warming up together (a config of
    // several models, or instances: 2) would otherwise time each other's passes, and the sizes
    // they prefer would be those of a device shared with the others' warm-ups.
    synchronized (BatchProfiler.class) {
      return profileAlone(forwardNanos, batching);
    }
  }

  private static BatchProfile profileAlone(
      IntToLongFunction forwardNanos, BatchingConfig batching) {
    long bound = TimeUnit.MILLISECONDS.toNanos(batching.maxBatchLatencyMillis());
    List<Integer> sizes = batching.pinsBatchSizes()
        ? List.of(1) : BatchProfile.sizesUpTo(batching.maxBatchSize());
    long start = System.nanoTime();
    List<BatchProfile.Point> points = new ArrayList<>();
    for (int size : sizes) {
      forwardNanos.applyAsLong(size);
      long[] times = new long[MAX_PASSES];
      int passes = 0;
      long timed = 0;
      while (passes < MIN_PASSES || (timed < MIN_TIMED_NANOS && passes < MAX_PASSES)) {
        times[passes] = forwardNanos.applyAsLong(size);
        timed += times[passes++];
      }
      Arrays.sort(times, 0, passes);
      BatchProfile.Point point = new BatchProfile.Point(size, times[passes / 2]);
      points.add(point);
      if (point.forwardNanos() > bound || System.nanoTime() - start > BUDGET_NANOS) {
        break;
      }
    }
    return batching.pinsBatchSizes()
        ? BatchProfile.pinned(points, batching.preferredBatchSizes())
        : BatchProfile.measured(points, bound);
  }
}
