package io.inferencegw.gateway.batching;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How one replica takes batches from its model's queue (see {@link ModelQueue} for the policy).
 *
 * @param preferredSizes the batch sizes it forms when enough requests are ready, sorted
 *     ascending, not empty
 * @param joinWaitNanos the longest its oldest ready request waits for requests whose inputs are
 *     still being prepared: the replica's own forward time at batch size 1, because waiting longer
 *     than that costs more than running a batch of one meanwhile
 */
public record DispatchPlan(List<Integer> preferredSizes, long joinWaitNanos) {

  public DispatchPlan {
    preferredSizes = List.copyOf(preferredSizes);
    if (preferredSizes.isEmpty() || preferredSizes.get(0) < 1) {
      throw new IllegalArgumentException("preferred batch sizes must be positive and not empty");
    }
    for (int i = 1; i < preferredSizes.size(); i++) {
      if (preferredSizes.get(i) <= preferredSizes.get(i - 1)) {
        throw new IllegalArgumentException("preferred batch sizes must ascend: " + preferredSizes);
      }
    }
    if (joinWaitNanos < 0) {
      throw new IllegalArgumentException("join wait must not be negative");
    }
  }

  /** Batches of up to {@code maxBatchSize}, never waiting for inputs being prepared. */
  public static DispatchPlan upTo(int maxBatchSize) {
    return new DispatchPlan(List.of(maxBatchSize), 0);
  }

  /** The largest batch this replica takes: once this many are ready it never waits. */
  public int largest() {
    return preferredSizes.get(preferredSizes.size() - 1);
  }

  /**
   * How many of {@code ready} requests to take: the largest preferred size that they fill, or
   * all of them when they fill none (a smaller batch now beats an idle replica).
   */
  public int take(int ready) {
    int take = ready;
    for (int size : preferredSizes) {
      if (size <= ready) {
        take = size;
      }
    }
    return Math.min(take, largest());
  }

  @Override
  public String toString() {
    return "preferred batch sizes " + preferredSizes + ", join wait "
        + TimeUnit.NANOSECONDS.toMicros(joinWaitNanos) + " us";
  }
}
