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

  public static final BatchingConfig DEFAULT = new BatchingConfig(32, 2000, 1024);

  public BatchingConfig {
    if (maxBatchSize < 1) {
      throw new ConfigException("batching.max_batch_size must be at least 1, got " + maxBatchSize);
    }
    if (maxQueueDelayMicros < 0) {
      throw new ConfigException(
          "batching.max_queue_delay_us must not be negative, got " + maxQueueDelayMicros);
    }
    if (queueCapacity < 1) {
      throw new ConfigException("batching.queue_capacity must be at least 1, got " + queueCapacity);
    }
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
