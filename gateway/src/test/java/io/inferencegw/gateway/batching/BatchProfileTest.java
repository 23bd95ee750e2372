package io.inferencegw.gateway.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchProfileTest {

  private static BatchProfile.Point ms(int size, double millis) {
    return new BatchProfile.Point(size, (long) (millis * 1e6));
  }

  @Test
  void sizesArePowersOfTwoThenTheLargest() {
    assertEquals(List.of(1, 2, 4, 8, 16, 32), BatchProfile.sizesUpTo(32));
    assertEquals(List.of(1, 2, 4, 8, 16, 24), BatchProfile.sizesUpTo(24));
    assertEquals(List.of(1), BatchProfile.sizesUpTo(1));
  }

  @Test
  void prefersTheSizeWithTheMostImagesPerSecondNotTheLargest() {
    // A CPU past its caches: 8 images in 20 ms (400/s) beat 32 in 160 ms (200/s).
    BatchProfile p = BatchProfile.measured(
        List.of(ms(1, 5), ms(2, 8), ms(4, 12), ms(8, 20), ms(16, 60), ms(32, 160)),
        TimeUnit.SECONDS.toNanos(1));
    assertEquals(List.of(8), p.preferredSizes());
    assertFalse(p.pinned());
    assertEquals(List.of(8), p.plan().preferredSizes());
    assertEquals(TimeUnit.MILLISECONDS.toNanos(5), p.plan().joinWaitNanos(),
        "a replica waits for joiners at most its batch-1 time");
  }

  @Test
  void sizesOverTheLatencyBoundAreNotChosenHoweverFast() {
    BatchProfile p = BatchProfile.measured(
        List.of(ms(1, 10), ms(2, 15), ms(4, 25), ms(8, 40)), TimeUnit.MILLISECONDS.toNanos(30));
    assertEquals(List.of(4), p.preferredSizes());
  }

  @Test
  void batchSizeOneCountsEvenOverTheBound() {
    assertEquals(List.of(1), BatchProfile.measured(List.of(ms(1, 50), ms(2, 100)),
        TimeUnit.MILLISECONDS.toNanos(10)).preferredSizes());
  }

  @Test
  void amongSizesAboutAsFastAsTheFastestTheLargestIsPreferred() {
    // 8: 400/s, 16: 380/s (within 10 %), 32: 300/s: 16 spreads the per-batch costs further
    assertEquals(List.of(16), BatchProfile.measured(
        List.of(ms(1, 5), ms(8, 20), ms(16, 42.1), ms(32, 106.7)),
        TimeUnit.SECONDS.toNanos(1)).preferredSizes());
    // equal speed: the larger batch
    assertEquals(List.of(2), BatchProfile.measured(List.of(ms(1, 10), ms(2, 20)),
        TimeUnit.SECONDS.toNanos(1)).preferredSizes());
  }

  @Test
  void pinnedSizesAreKeptAndSaidSo() {
    BatchProfile p = BatchProfile.pinned(List.of(ms(1, 3)), List.of(4, 16));
    assertTrue(p.pinned());
    assertEquals(List.of(4, 16), p.plan().preferredSizes());
    assertTrue(p.describe().contains("pinned"), p.describe());
    assertTrue(p.describe().startsWith("1: 333 img/s (3.00 ms)"), p.describe());
  }

  @Test
  void aProfileStartsAtBatchSizeOne() {
    assertThrows(IllegalArgumentException.class,
        () -> BatchProfile.measured(List.of(ms(2, 1)), 1));
  }
}
