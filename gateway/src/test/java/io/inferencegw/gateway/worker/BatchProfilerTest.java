package io.inferencegw.gateway.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencegw.gateway.batching.BatchProfile;
import io.inferencegw.gateway.config.BatchingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

class BatchProfilerTest {

  /** A device whose passes take {@code perImageMillis} per image plus a fixed cost, recorded. */
  private static final class FakeDevice implements IntToLongFunction {
    final List<Integer> passes = new ArrayList<>();
    final double fixedMillis;
    final double perImageMillis;

    FakeDevice(double fixedMillis, double perImageMillis) {
      this.fixedMillis = fixedMillis;
      this.perImageMillis = perImageMillis;
    }

    @Override
    public long applyAsLong(int batchSize) {
      passes.add(batchSize);
      return (long) ((fixedMillis + perImageMillis * batchSize) * 1e6);
    }
  }

  @Test
  void measuresEachSizeAfterAnUntimedPassAndPicksTheFastestPerImage() {
    FakeDevice device = new FakeDevice(10, 1);
    BatchProfile p = BatchProfiler.profile(device, new BatchingConfig(8, 0, 100));
    assertEquals(List.of(1, 2, 4, 8), p.points().stream().map(BatchProfile.Point::batchSize)
        .toList());
    // passes of 11 ms and more: three timed ones pass the 25 ms minimum
    assertEquals(4 * (1 + BatchProfiler.MIN_PASSES), device.passes.size());
    assertEquals(TimeUnit.MILLISECONDS.toNanos(11), p.singleForwardNanos());
    // fixed cost amortised: the largest batch is the fastest per image here
    assertEquals(List.of(8), p.preferredSizes());
  }

  @Test
  void stopsAfterTheFirstSizeOverTheLatencyBound() {
    FakeDevice device = new FakeDevice(0, 30);
    BatchingConfig batching = new BatchingConfig(64, 0, 100, List.of(), 100);
    BatchProfile p = BatchProfiler.profile(device, batching);
    // 1, 2 within 100 ms; 4 takes 120 ms and ends the profile; 8..64 never run
    assertEquals(List.of(1, 2, 4), p.points().stream().map(BatchProfile.Point::batchSize)
        .toList());
    assertEquals(List.of(2), p.preferredSizes(),
        "equal per-image speed: the largest within the bound");
  }

  @Test
  void pinnedSizesMeasureBatchSizeOneOnly() {
    FakeDevice device = new FakeDevice(2, 1);
    BatchProfile p = BatchProfiler.profile(device,
        new BatchingConfig(32, 0, 100).withPreferredBatchSizes(List.of(16, 4)));
    assertEquals(List.of(4, 16), p.preferredSizes());
    assertEquals(1, p.points().size());
    // 3 ms passes: one untimed, then nine timed to reach 25 ms
    assertEquals(java.util.Collections.nCopies(10, 1), device.passes);
  }

  @Test
  void shortPassesAreRepeatedUpToTheCap() {
    FakeDevice device = new FakeDevice(0, 0.01);
    BatchProfiler.profile(device, new BatchingConfig(1, 0, 100));
    assertEquals(1 + BatchProfiler.MAX_PASSES, device.passes.size());
  }

  @Test
  void theMedianPassCountsNotAnOutlier() {
    long[] times = {99, 5, 500, 6}; // untimed, then 5, 500, 6 ms
    int[] call = {0};
    BatchProfile p = BatchProfiler.profile(
        size -> TimeUnit.MILLISECONDS.toNanos(times[call[0]++]),
        new BatchingConfig(1, 0, 100));
    assertEquals(TimeUnit.MILLISECONDS.toNanos(6), p.singleForwardNanos());
  }
}
