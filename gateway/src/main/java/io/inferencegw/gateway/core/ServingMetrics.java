package io.inferencegw.gateway.core;

import java.util.function.IntSupplier;

/**
 * What the serving core (queues, workers, registry) reports for monitoring. The core names no
 * metrics library: the gateway's metrics implement this, and {@link #NONE} ignores everything
 * (plain tests of the core, tools).
 *
 * <p>Calls come from event loops and device worker threads; implementations must be cheap and
 * thread-safe, and must never block.
 */
public interface ServingMetrics {

  ServingMetrics NONE = new ServingMetrics() {};

  /**
   * A model version starts serving: its queue depth and its requests in flight (admitted, not
   * yet answered) are read when metrics are collected.
   */
  default void versionServing(String model, String version, IntSupplier queueDepth,
      IntSupplier inFlight) {}

  /** A model version is gone: its gauges go with it. */
  default void versionRetired(String model, String version) {}

  /**
   * A replica ran one batch.
   *
   * @param replica the replica's name, unique among the model version's replicas
   * @param size requests in the batch
   * @param busyNanos time the replica spent on it
   */
  default void batchRun(String model, String version, String device, String replica, int size,
      long busyNanos) {}

  /** A plugin JAR was loaded; {@code replacing} when it took the place of a loaded version. */
  default void pluginActivated(boolean replacing) {}

  /** A plugin JAR could not be loaded (broken, incompatible, or a duplicate). */
  default void pluginFailed() {}
}
