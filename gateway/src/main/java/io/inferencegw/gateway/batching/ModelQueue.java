package io.inferencegw.gateway.batching;

import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The waiting room of one served model version, and its dynamic batcher.
 *
 * <p>Event loops {@link #offer} requests (never blocking: a full queue rejects at once). Device
 * workers pull: an idle worker calls {@link #awaitBatch}, which returns as soon as
 * {@code max_batch_size} requests wait or the oldest has waited {@code max_queue_delay}. Several
 * workers may share one queue; each batch goes to exactly one of them, so a slow device never
 * gets more than it can chew.
 *
 * <p>Requests are served in arrival order. Expired and cancelled requests never take a batch
 * slot: they are dropped when a batch is formed (and usually earlier, by {@link #remove}).
 */
public final class ModelQueue {

  private final String model;
  private final BatchingConfig batching;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<InferenceRequest> waiting = new ArrayDeque<>();
  private final LongAdder expiredBeforeCompute = new LongAdder();
  private boolean closed;

  public ModelQueue(String model, BatchingConfig batching) {
    this.model = model;
    this.batching = batching;
  }

  public BatchingConfig batching() {
    return batching;
  }

  /** What happened to an offered request. */
  public enum Admission {
    /** Waiting for a batch; a worker will answer it. */
    ADMITTED,
    /** Not admitted: the queue holds {@code queue_capacity} requests. */
    FULL,
    /** Not admitted: this model version is going away (its successor may take it). */
    CLOSED
  }

  /**
   * Admits a request without blocking. A request that is not admitted is not answered here:
   * the caller knows whether to answer RESOURCE_EXHAUSTED or to try the model's successor.
   */
  public Admission offer(InferenceRequest request) {
    lock.lock();
    try {
      if (closed) {
        return Admission.CLOSED;
      }
      if (waiting.size() >= batching.queueCapacity()) {
        return Admission.FULL;
      }
      waiting.addLast(request);
      // Wake a worker when the batch is full, or when this request starts the delay clock.
      if (waiting.size() == 1 || waiting.size() >= batching.maxBatchSize()) {
        changed.signal();
      }
      return Admission.ADMITTED;
    } finally {
      lock.unlock();
    }
  }

  /** The error for a request that was not admitted. */
  public GatewayException rejection(Admission admission) {
    return admission == Admission.FULL
        ? new GatewayException(ErrorCode.RESOURCE_EXHAUSTED,
            "queue of model " + model + " is full (" + batching.queueCapacity() + " waiting)")
        : new GatewayException(ErrorCode.UNAVAILABLE, "model " + model + " is not accepting requests");
  }

  /** Takes a request out of the queue (cancelled, or timed out); false if it was not waiting. */
  public boolean remove(InferenceRequest request) {
    lock.lock();
    try {
      return waiting.remove(request);
    } finally {
      lock.unlock();
    }
  }

  public int size() {
    lock.lock();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
    }
  }

  /** Requests that expired in the queue and were never computed. */
  public long expiredBeforeCompute() {
    return expiredBeforeCompute.sum();
  }

  /**
   * Waits for the next batch: returns when {@code max_batch_size} requests wait, when the oldest
   * has waited {@code max_queue_delay}, or with an empty list after {@code maxWaitNanos} without
   * any request (so the caller can check whether it should stop) or once the queue is closed.
   * Every request returned is claimed by the caller, who must answer it.
   */
  public List<InferenceRequest> awaitBatch(long maxWaitNanos) throws InterruptedException {
    long giveUpAt = System.nanoTime() + maxWaitNanos;
    long delayNanos = TimeUnit.MICROSECONDS.toNanos(batching.maxQueueDelayMicros());
    lock.lock();
    try {
      while (true) {
        if (closed) {
          return List.of();
        }
        long now = System.nanoTime();
        if (waiting.size() >= batching.maxBatchSize()) {
          break;
        }
        InferenceRequest oldest = waiting.peekFirst();
        if (oldest != null) {
          long dueAt = oldest.admittedNanos() + delayNanos;
          if (now - dueAt >= 0) {
            break;
          }
          changed.awaitNanos(dueAt - now);
        } else {
          if (now - giveUpAt >= 0) {
            return List.of();
          }
          changed.awaitNanos(giveUpAt - now);
        }
      }
      return takeBatch();
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock: up to max_batch_size live requests, dropping expired ones. */
  private List<InferenceRequest> takeBatch() {
    List<InferenceRequest> batch = new ArrayList<>(Math.min(waiting.size(), batching.maxBatchSize()));
    long now = System.nanoTime();
    while (batch.size() < batching.maxBatchSize() && !waiting.isEmpty()) {
      InferenceRequest r = waiting.pollFirst();
      if (r.isExpired(now)) {
        if (r.fail(ErrorCode.DEADLINE_EXCEEDED, "deadline passed while queued for " + model)) {
          expiredBeforeCompute.increment();
        }
        continue;
      }
      if (r.claimForBatch()) {
        batch.add(r);
      }
    }
    if (!waiting.isEmpty()) {
      changed.signal(); // another idle worker can start on the rest
    }
    return batch;
  }

  /**
   * Stops admitting and wakes every waiting worker. Requests still queued are returned so the
   * owner can decide their fate (drain them elsewhere or fail them).
   */
  public List<InferenceRequest> close() {
    lock.lock();
    try {
      closed = true;
      List<InferenceRequest> left = new ArrayList<>(waiting);
      waiting.clear();
      changed.signalAll();
      return left;
    } finally {
      lock.unlock();
    }
  }

  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }
}
