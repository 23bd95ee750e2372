package io.inferencegw.gateway.batching;

import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The waiting room of one served model version, and its dynamic batcher.
 *
 * <p>Event loops {@link #offer} requests (never blocking: a full queue rejects at once). Device
 * workers pull: an idle worker calls {@link #awaitBatch} with its {@link DispatchPlan}. Several
 * workers may share one queue; each batch goes to exactly one of them, so a slow device never
 * gets more than it can chew.
 *
 * <p>The dispatch policy: an idle replica takes what is ready now. When as many requests are
 * ready as its largest preferred batch size, it takes that many; when fewer are ready, it takes
 * the largest preferred size they fill, or all of them. It waits for a fuller batch only when
 * waiting pays:
 *
 * <ul>
 *   <li>requests whose inputs are still being decoded are known to be coming: the replica waits
 *       for them while its oldest ready request has waited less than the replica's own forward
 *       time at batch size 1 (waiting longer costs more than running a batch of one meanwhile);
 *   <li>{@code max_queue_delay_us} holds every ready request for company even when nothing is
 *       known to be coming (default 0: an operator who knows that traffic arrives in bursts
 *       may trade latency for fuller batches).
 * </ul>
 *
 * <p>Waiting for requests that have not arrived never pays under closed-loop load (callers send
 * their next request once answered) and costs the full delay at low load; under heavy load a
 * busy replica lets requests pile up anyway, so greedy batches grow with the load by
 * themselves.
 *
 * <p>Requests are served in arrival order. Expired and cancelled requests never take a batch
 * slot: they are dropped when a batch is formed (and usually earlier, by {@link #remove}).
 *
 * <p>A request whose input needs decoding is admitted at once (it holds its place and counts
 * against the capacity) but is not ready until the {@link InputStage} has prepared it: batches
 * and the delay clock consider ready requests only, so one slow decode delays nobody else.
 * One exception: a small input that arrives alone while a worker waits idle is ready at once,
 * and that worker decodes it itself (see {@link InputStage#cheapOnWorker}). Nobody waits
 * behind that decode, and the request saves the hand-off to the input stage and back, which
 * at low load is most of what it spends outside the forward pass.
 */
public final class ModelQueue {

  private final String model;
  private final BatchingConfig batching;
  private final InputStage inputStage;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<InferenceRequest> waiting = new ArrayDeque<>();
  private final LongAdder expiredBeforeCompute = new LongAdder();
  /** Admitted and not yet answered: waiting, being prepared, or computing. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private int ready;
  /** Workers waiting in {@link #awaitBatch} with no ready request. */
  private int idleWorkers;
  private boolean closed;

  public ModelQueue(String model, BatchingConfig batching) {
    this(model, batching, InputStage.NONE);
  }

  public ModelQueue(String model, BatchingConfig batching, InputStage inputStage) {
    this.model = model;
    this.batching = batching;
    this.inputStage = inputStage;
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
    boolean prepare = inputStage.needsPreparation(request);
    lock.lock();
    try {
      if (closed) {
        return Admission.CLOSED;
      }
      if (waiting.size() >= batching.queueCapacity()) {
        return Admission.FULL;
      }
      if (prepare && idleWorkers > 0 && waiting.isEmpty() && inputStage.cheapOnWorker(request)) {
        prepare = false; // the idle worker decodes it: see the class comment
      }
      waiting.addLast(request);
      if (!prepare) {
        markReady(request);
      }
    } finally {
      lock.unlock();
    }
    inFlight.incrementAndGet();
    request.result().onComplete(answered -> inFlight.decrementAndGet());
    if (prepare) {
      inputStage.prepare(request, this);
    }
    return Admission.ADMITTED;
  }

  /** Under the lock: the request can join a batch from now on. */
  private void markReady(InferenceRequest request) {
    request.inputReady(true);
    ready++;
    // Every worker decides for itself (its preferred sizes, its join wait): let one re-check.
    changed.signal();
  }

  /**
   * The input stage prepared a request's input: it joins the next batch. Ignored when the
   * request left the queue meanwhile (expired, cancelled, or the queue closed).
   */
  public void inputPrepared(InferenceRequest request, float[] values, long tookNanos) {
    lock.lock();
    try {
      if (!request.inputReady() && request.isQueued() && waiting.contains(request)) {
        request.inputPrepared(values, tookNanos);
        markReady(request);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The input stage could not prepare a request's input: it leaves the queue with the error. */
  public void inputFailed(InferenceRequest request, GatewayException error) {
    if (remove(request)) {
      request.fail(error);
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
      if (!waiting.remove(request)) {
        return false;
      }
      if (request.inputReady()) {
        ready--;
      }
      changed.signal(); // one fewer input being prepared may end a worker's wait
      return true;
    } finally {
      lock.unlock();
    }
  }

  public int size() {
    return underLock(waiting::size);
  }

  private <T> T underLock(Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  /** Workers waiting for a batch with nothing ready to take. */
  public int idleWorkers() {
    return underLock(() -> idleWorkers);
  }

  /** Requests admitted here and not yet answered: waiting, being prepared, or computing. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Requests that expired in the queue and were never computed. */
  public long expiredBeforeCompute() {
    return expiredBeforeCompute.sum();
  }

  /**
   * Waits for the next batch of a replica that takes batches of up to {@code maxBatchSize}
   * and never waits for inputs being prepared; see {@link #awaitBatch(long, DispatchPlan)}.
   */
  public List<InferenceRequest> awaitBatch(long maxWaitNanos) throws InterruptedException {
    return awaitBatch(maxWaitNanos, DispatchPlan.upTo(batching.maxBatchSize()));
  }

  /**
   * Waits for the next batch under the dispatch policy (see the class comment) and returns it,
   * or an empty list after {@code maxWaitNanos} without any ready request (so the caller can
   * check whether it should stop) or once the queue is closed. Every request returned is claimed
   * by the caller, who must answer it.
   */
  public List<InferenceRequest> awaitBatch(long maxWaitNanos, DispatchPlan plan)
      throws InterruptedException {
    long giveUpAt = System.nanoTime() + maxWaitNanos;
    long holdNanos = TimeUnit.MICROSECONDS.toNanos(batching.maxQueueDelayMicros());
    int largest = Math.min(plan.largest(), batching.maxBatchSize());
    lock.lock();
    try {
      while (true) {
        if (closed) {
          return List.of();
        }
        long now = System.nanoTime();
        if (ready >= largest) {
          break;
        }
        InferenceRequest oldest = oldestReady();
        if (oldest != null) {
          long dueAt = oldest.admittedNanos() + holdNanos;
          if (waiting.size() > ready) { // inputs being prepared: they are coming
            long joinUntil = oldest.readyNanos() + plan.joinWaitNanos();
            dueAt = joinUntil - dueAt > 0 ? joinUntil : dueAt;
          }
          if (now - dueAt >= 0) {
            break;
          }
          changed.awaitNanos(dueAt - now);
        } else {
          if (now - giveUpAt >= 0) {
            return List.of();
          }
          idleWorkers++;
          try {
            changed.awaitNanos(giveUpAt - now);
          } finally {
            idleWorkers--;
          }
        }
      }
      return takeBatch(Math.min(plan.take(ready), largest));
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock: the ready request that arrived first, or null. */
  private InferenceRequest oldestReady() {
    if (ready == 0) {
      return null;
    }
    for (InferenceRequest r : waiting) {
      if (r.inputReady()) {
        return r;
      }
    }
    return null;
  }

  /**
   * Under the lock: up to {@code limit} ready requests in arrival order, dropping expired ones
   * (ready or not) on the way; requests still being prepared keep their place.
   */
  private List<InferenceRequest> takeBatch(int limit) {
    List<InferenceRequest> batch = new ArrayList<>(limit);
    long now = System.nanoTime();
    Iterator<InferenceRequest> it = waiting.iterator();
    while (batch.size() < limit && ready > 0 && it.hasNext()) {
      InferenceRequest r = it.next();
      if (r.isExpired(now)) {
        it.remove();
        if (r.inputReady()) {
          ready--;
        }
        if (r.fail(ErrorCode.DEADLINE_EXCEEDED, "deadline passed while queued for " + model)) {
          expiredBeforeCompute.increment();
        }
        continue;
      }
      if (!r.inputReady()) {
        continue;
      }
      it.remove();
      ready--;
      if (r.claimForBatch()) {
        batch.add(r);
      }
    }
    if (ready > 0) {
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
      ready = 0;
      changed.signalAll();
      return left;
    } finally {
      lock.unlock();
    }
  }

  public boolean isClosed() {
    return underLock(() -> closed);
  }
}
