package io.inferencegw.gateway.config;

/**
 * Dynamic batching of one model: a batch is emitted when it holds {@code maxBatchSize}
 * requests or when its oldest request has waited {@code maxQueueDelayMicros}.
 *
 * @param maxBatchSize largest batch a worker runs at once
 * @param maxQueueDelayMicros longest a request waits for others to join its batch
 * @param queueCapacity requests that may wait; one more is rejected with RESOURCE_EXHAUSTED
 */
public record BatchingConfig(int maxBatchSize, long maxQueueDelayMicros, int queueCapacity) {

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

  /** Declared after the ranges: its constructor checks against them. */
  public static final BatchingConfig DEFAULT = new BatchingConfig(32, 2000, 1024);

  public BatchingConfig {
    MAX_BATCH_SIZE.check(maxBatchSize);
    MAX_QUEUE_DELAY_US.check(maxQueueDelayMicros);
    QUEUE_CAPACITY.check(queueCapacity);
  }

  public BatchingConfig withMaxBatchSize(int size) {
    return new BatchingConfig(size, maxQueueDelayMicros, queueCapacity);
  }

  public BatchingConfig withQueueCapacity(int capacity) {
    return new BatchingConfig(maxBatchSize, maxQueueDelayMicros, capacity);
  }

  public BatchingConfig withMaxQueueDelayMicros(long micros) {
    return new BatchingConfig(maxBatchSize, micros, queueCapacity);
  }
}
