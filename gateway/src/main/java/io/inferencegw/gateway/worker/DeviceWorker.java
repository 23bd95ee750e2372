package io.inferencegw.gateway.worker;

import io.inferencegw.gateway.batching.BatchProfile;
import io.inferencegw.gateway.batching.DispatchPlan;
import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.batching.ModelQueue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker verticle pinned to one device, holding one replica of one model version.
 *
 * <p>It is deployed on its own single-thread worker pool, so every LibTorch call for its replica
 * (building, loading weights, forward passes, freeing) happens on that one thread; guards such
 * as InferenceMode are thread-local. It pulls: when idle it asks the model's queue for the next
 * batch, under the dispatch plan its batch profile chose at warm-up. Each wait is bounded and the next one is scheduled as a new task, so the thread is
 * never held for long and undeploying it interleaves cleanly.
 */
public final class DeviceWorker extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DeviceWorker.class);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final String name;
  private final ModelQueue queue;
  private final Supplier<BatchRunner> replicaFactory;
  private final BatchListener onBatch;
  private final Consumer<BatchProfile> onProfile;
  private BatchRunner runner;
  private DispatchPlan plan;
  private volatile boolean stopping;

  /**
   * @param replicaFactory builds the replica with its weights on the device; called on the
   *     worker's own thread
   */
  public DeviceWorker(String name, ModelQueue queue, Supplier<BatchRunner> replicaFactory) {
    this(name, queue, replicaFactory, (size, busyNanos) -> {}, profile -> {});
  }

  /**
   * @param onBatch told of every batch this worker ran, on the worker's thread
   * @param onProfile told of the replica's batch profile once it is measured, before the worker
   *     takes its first batch
   */
  public DeviceWorker(String name, ModelQueue queue, Supplier<BatchRunner> replicaFactory,
      BatchListener onBatch, Consumer<BatchProfile> onProfile) {
    this.name = name;
    this.queue = queue;
    this.replicaFactory = replicaFactory;
    this.onBatch = onBatch;
    this.onProfile = onProfile;
  }

  /** Hears of each batch a worker ran: how many requests, and how long the replica was busy. */
  @FunctionalInterface
  public interface BatchListener {
    void ran(int size, long busyNanos);
  }

  @Override
  public Future<?> start() {
    try {
      NativeThreads.configure();
      runner = replicaFactory.get();
      runner.warmUp();
      BatchProfile profile = BatchProfiler.profile(runner::timeForward, queue.batching());
      plan = profile.plan();
      LOG.info("worker {} batch profile: {}", name, profile.describe());
      onProfile.accept(profile);
    } catch (RuntimeException e) {
      if (runner != null) {
        runner.close();
        runner = null;
      }
      return Future.failedFuture(e);
    }
    LOG.info("worker {} ready", name);
    context.runOnContext(v -> pollOnce());
    return Future.succeededFuture();
  }

  private void pollOnce() {
    if (stopping) {
      return;
    }
    try {
      List<InferenceRequest> batch = queue.awaitBatch(POLL_NANOS, plan);
      if (!batch.isEmpty() && !stopping) {
        long start = System.nanoTime();
        try {
          runner.run(batch);
        } finally {
          onBatch.ran(batch.size(), System.nanoTime() - start);
        }
      } else if (!batch.isEmpty()) {
        // Claimed but not run because we are stopping: the owner drains the queue elsewhere.
        batch.forEach(r -> r.fail(io.inferencegw.gateway.core.ErrorCode.UNAVAILABLE,
            "worker " + name + " stopped"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      // The batch runner answers every request itself; whatever escapes it must not end the
      // poll loop, or every later request of the model would wait for ever.
      LOG.error("worker {} failed to run a batch", name, e);
    }
    if (!stopping) {
      context.runOnContext(v -> pollOnce());
    }
  }

  /**
   * Stops after the poll already queued on this worker's thread (it sees {@code stopping} and
   * does not reschedule), so that no task of ours is left when Vert.x shuts the pool down; then
   * frees the replica on the thread that used it.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(v -> {
      if (runner != null) {
        runner.close();
        runner = null;
      }
      LOG.info("worker {} stopped", name);
      stopped.complete();
    });
    return stopped.future();
  }
}
