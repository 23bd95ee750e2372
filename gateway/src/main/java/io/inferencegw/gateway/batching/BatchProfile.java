package io.inferencegw.gateway.batching;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one replica measured at warm-up: the time of its forward pass at batch sizes 1, 2, 4, ...
 * up to the model's largest batch, and the batch sizes the batcher forms for it.
 *
 * <p>The largest batch is not the fastest on every device: on a CPU, a batch past the caches
 * runs fewer images per second than a smaller one. The preferred size is the largest of those
 * about as fast as the fastest (see {@link #measured}) among the sizes whose forward pass stays
 * within the latency bound; a config can pin the sizes instead
 * ({@code batching.preferred_batch_sizes}).
 *
 * @param points the measured sizes, ascending
 * @param preferredSizes the sizes the batcher forms for this replica
 * @param pinned whether the config chose {@code preferredSizes} rather than the measurement
 */
public record BatchProfile(List<Point> points, List<Integer> preferredSizes, boolean pinned) {

  /** One measured batch size: the forward pass of a batch of {@code batchSize} images. */
  public record Point(int batchSize, long forwardNanos) {
    public double imagesPerSecond() {
      return batchSize * 1e9 / Math.max(1, forwardNanos);
    }
  }

  public BatchProfile {
    points = startingAtOne(points);
    preferredSizes = List.copyOf(preferredSizes);
  }

  private static List<Point> startingAtOne(List<Point> points) {
    if (points.isEmpty() || points.get(0).batchSize() != 1) {
      throw new IllegalArgumentException("a profile starts at batch size 1");
    }
    return List.copyOf(points);
  }

  /** Batch sizes worth measuring: powers of two below {@code maxBatchSize}, then itself. */
  public static List<Integer> sizesUpTo(int maxBatchSize) {
    List<Integer> sizes = new ArrayList<>();
    for (int s = 1; s < maxBatchSize; s *= 2) {
      sizes.add(s);
    }
    sizes.add(maxBatchSize);
    return sizes;
  }

  /**
   * Sizes whose forward pass runs within this share of the fastest size's images per second
   * count as equally fast, and the largest of them is preferred: a batch also has costs outside
   * the forward pass (assembling the input, answering each request, waking the worker), which a
   * larger batch spreads over more requests, and the profile's passes vary by several percent on
   * a shared machine anyway.
   */
  public static final double EQUALLY_FAST = 0.9;

  /**
   * The measured profile: the preferred size is the largest of those whose images per second
   * are within {@link #EQUALLY_FAST} of the fastest, among the sizes within
   * {@code latencyBoundNanos} (batch size 1 always counts: there is nothing smaller).
   */
  public static BatchProfile measured(List<Point> points, long latencyBoundNanos) {
    List<Point> eligible = startingAtOne(points).stream()
        .filter(p -> p.batchSize() == 1 || p.forwardNanos() <= latencyBoundNanos).toList();
    double fastest = eligible.stream().mapToDouble(Point::imagesPerSecond).max().orElseThrow();
    Point preferred = eligible.get(0);
    for (Point p : eligible) {
      if (p.imagesPerSecond() >= EQUALLY_FAST * fastest) {
        preferred = p;
      }
    }
    return new BatchProfile(points, List.of(preferred.batchSize()), false);
  }

  /** The config's sizes, with what was measured (batch size 1 at least) for the report. */
  public static BatchProfile pinned(List<Point> points, List<Integer> sizes) {
    return new BatchProfile(points, sizes, true);
  }

  /** The forward time at batch size 1. */
  public long singleForwardNanos() {
    return points.get(0).forwardNanos();
  }

  /** How the replica takes batches: its preferred sizes, waiting at most one batch-1 pass. */
  public DispatchPlan plan() {
    return new DispatchPlan(preferredSizes, singleForwardNanos());
  }

  /** One line for the log: each size's images per second and time, then the choice. */
  public String describe() {
    String measured = points.stream()
        .map(p -> String.format("%d: %.0f img/s (%.2f ms)", p.batchSize(), p.imagesPerSecond(),
            p.forwardNanos() / 1e6))
        .collect(Collectors.joining(", "));
    return measured + "; preferred batch sizes " + preferredSizes
        + (pinned ? " (pinned by the config)" : "");
  }
}
