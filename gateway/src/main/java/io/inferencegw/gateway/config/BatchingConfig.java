package io.inferencegw.gateway.config;

import java.util.List;
import java.util.TreeSet;

/**
 * Dynamic batching of one model (the dispatch policy itself is described on
 * {@code ModelQueue}).
 *
 * @param maxBatchSize largest batch a worker runs at once
 * @param maxQueueDelayMicros longest a ready request is held back so that others can join its
 *     batch although none is known to be coming (0, the default: an idle replica never waits
 *     for requests that have not arrived)
 * @param queueCapacity requests that may wait; one more is rejected with RESOURCE_EXHAUSTED
 * @param preferredBatchSizes batch sizes the batcher forms, sorted, each at most
 *     {@code maxBatchSize}; empty (the default) means the sizes each replica's batch profile
 *     found fastest at warm-up
 * @param maxBatchLatencyMillis the batch profile chooses among batch sizes whose forward pass
 *     takes at most this long, so that throughput is not bought with unbounded latency
 */
public record BatchingConfig(int maxBatchSize, long maxQueueDelayMicros, int queueCapacity,
    List<Integer> preferredBatchSizes, int maxBatchLatencyMillis) {

  /**
   * Largest batch: 1024 images is past where any device we serve on runs faster per image (the
   * batch benchmarks flatten out well before), while the fused input tensor of a larger batch of
   * 224x224 RGB images would take gigabytes.
   */
  public static final ConfigRange MAX_BATCH_SIZE =
      new ConfigRange("batching.max_batch_size", 1, 1024);

  /**
   * Longest a request waits for company: 10 s is already far beyond any interactive deadline;
   * more is a typo (milliseconds written as microseconds twice over).
   */
  public static final ConfigRange MAX_QUEUE_DELAY_US =
      new ConfigRange("batching.max_queue_delay_us", 0, 10_000_000);

  /**
   * Requests that may wait per model: each holds its encoded image until it is computed, so
   * 65536 waiting requests of a few hundred KiB are already gigabytes of heap.
   */
  public static final ConfigRange QUEUE_CAPACITY =
      new ConfigRange("batching.queue_capacity", 1, 65_536);

  /** Entries of preferred_batch_sizes: one per power of two up to the largest batch is plenty. */
  public static final ConfigRange PREFERRED_SIZES_COUNT =
      new ConfigRange("batching.preferred_batch_sizes (number of entries)", 0, 16);

  /**
   * A batch's forward pass: from 1 ms (a GPU batch of small networks) to a minute (beyond that
   * no client waits, and profiling at warm-up would take as long).
   */
  public static final ConfigRange MAX_BATCH_LATENCY_MS =
      new ConfigRange("batching.max_batch_latency_ms", 1, 60_000);

  /**
   * Half a second: past that a batch is no longer interactive, and on the CPUs we measured
   * throughput had long stopped growing with the batch size.
   */
  public static final int DEFAULT_MAX_BATCH_LATENCY_MS = 500;

  /** Declared after the ranges: its constructor checks against them. */
  public static final BatchingConfig DEFAULT =
      new BatchingConfig(32, 0, 1024, List.of(), DEFAULT_MAX_BATCH_LATENCY_MS);

  public BatchingConfig {
    MAX_BATCH_SIZE.check(maxBatchSize);
    MAX_QUEUE_DELAY_US.check(maxQueueDelayMicros);
    QUEUE_CAPACITY.check(queueCapacity);
    MAX_BATCH_LATENCY_MS.check(maxBatchLatencyMillis);
    PREFERRED_SIZES_COUNT.check(preferredBatchSizes.size());
    for (int size : preferredBatchSizes) {
      if (size < 1 || size > maxBatchSize) {
        throw new ConfigException("batching.preferred_batch_sizes: each entry must be between 1 "
            + "and max_batch_size (" + maxBatchSize + "), got " + size);
      }
    }
    preferredBatchSizes = List.copyOf(new TreeSet<>(preferredBatchSizes));
  }

  /** Profiled preferred sizes and the default latency bound. */
  public BatchingConfig(int maxBatchSize, long maxQueueDelayMicros, int queueCapacity) {
    this(maxBatchSize, maxQueueDelayMicros, queueCapacity, List.of(),
        DEFAULT_MAX_BATCH_LATENCY_MS);
  }

  /** Whether the config pins the batch sizes (no profile decides them). */
  public boolean pinsBatchSizes() {
    return !preferredBatchSizes.isEmpty();
  }

  public BatchingConfig withMaxBatchSize(int size) {
    return new BatchingConfig(size, maxQueueDelayMicros, queueCapacity,
        preferredBatchSizes.stream().filter(s -> s <= size).toList(), maxBatchLatencyMillis);
  }

  public BatchingConfig withQueueCapacity(int capacity) {
    return new BatchingConfig(maxBatchSize, maxQueueDelayMicros, capacity, preferredBatchSizes,
        maxBatchLatencyMillis);
  }

  public BatchingConfig withMaxQueueDelayMicros(long micros) {
    return new BatchingConfig(maxBatchSize, micros, queueCapacity, preferredBatchSizes,
        maxBatchLatencyMillis);
  }

  public BatchingConfig withPreferredBatchSizes(List<Integer> sizes) {
    return new BatchingConfig(maxBatchSize, maxQueueDelayMicros, queueCapacity, sizes,
        maxBatchLatencyMillis);
  }
}
