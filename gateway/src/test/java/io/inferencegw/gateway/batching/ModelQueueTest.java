package io.inferencegw.gateway.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.plugin.api.testing.Await;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelQueueTest {

  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private InferenceRequest request(long deadlineNanos) {
    return new InferenceRequest(
        new ModelInput.EncodedImage(new byte[] {1}), 5, false, deadlineNanos, vertx.getOrCreateContext());
  }

  private InferenceRequest request() {
    return request(Long.MAX_VALUE);
  }

  private static ErrorCode errorOf(InferenceRequest r) throws Exception {
    try {
      r.result().await(5, TimeUnit.SECONDS);
    } catch (GatewayException e) {
      return e.code();
    }
    throw new AssertionError("request succeeded");
  }

  /** The next batch, waited for on another thread: a hang fails the test. */
  private static List<InferenceRequest> nextBatch(ModelQueue q) {
    return assertTimeoutPreemptively(Await.DEFAULT_TIMEOUT,
        () -> q.awaitBatch(Await.DEFAULT_TIMEOUT.toNanos()), "no batch came");
  }

  @Test
  void emitsAFullBatchWithoutWaitingForTheDelay() throws Exception {
    // The longest delay a config may have: a batch that comes before it has passed came
    // because it was full (the delay clock starts at the oldest request's admission).
    long delayMicros = BatchingConfig.MAX_QUEUE_DELAY_US.max();
    ModelQueue q = new ModelQueue("m", new BatchingConfig(4, delayMicros, 100));
    InferenceRequest oldest = request();
    q.offer(oldest);
    for (int i = 0; i < 5; i++) {
      assertEquals(ModelQueue.Admission.ADMITTED, q.offer(request()));
    }
    List<InferenceRequest> batch = nextBatch(q);
    assertTrue(System.nanoTime() - oldest.admittedNanos()
        < TimeUnit.MICROSECONDS.toNanos(delayMicros), "the full batch waited for the delay");
    assertEquals(4, batch.size());
    assertEquals(oldest, batch.get(0));
    assertEquals(2, q.size());
  }

  @Test
  void emitsAPartialBatchWhenTheOldestHasWaitedTheDelay() throws Exception {
    ModelQueue q = new ModelQueue("m", new BatchingConfig(32, 50_000, 100));
    InferenceRequest oldest = request();
    q.offer(oldest);
    q.offer(request());
    List<InferenceRequest> batch = nextBatch(q);
    long emitted = System.nanoTime();
    assertEquals(2, batch.size());
    assertEquals(oldest, batch.get(0));
    // Exact, not a guess about timing: the queue lets a partial batch go only once the delay
    // has passed since the oldest request's admission.
    long waited = emitted - oldest.admittedNanos();
    assertTrue(waited >= TimeUnit.MICROSECONDS.toNanos(50_000),
        "emitted before the oldest had waited the delay: " + waited + " ns");
  }

  @Test
  void returnsEmptyAfterTheWaitWhenNothingArrives() throws Exception {
    ModelQueue q = new ModelQueue("m", new BatchingConfig(8, 1000, 100));
    assertTrue(q.awaitBatch(TimeUnit.MILLISECONDS.toNanos(20)).isEmpty());
  }

  @Test
  void rejectsWhenFullWithResourceExhausted() throws Exception {
    ModelQueue q = new ModelQueue("m", new BatchingConfig(8, 1000, 2));
    assertEquals(ModelQueue.Admission.ADMITTED, q.offer(request()));
    assertEquals(ModelQueue.Admission.ADMITTED, q.offer(request()));
    InferenceRequest third = request();
    ModelQueue.Admission admission = q.offer(third);
    assertEquals(ModelQueue.Admission.FULL, admission);
    assertEquals(ErrorCode.RESOURCE_EXHAUSTED, q.rejection(admission).code());
    assertEquals(2, q.size());
  }

  @Test
  void expiredRequestsNeverTakeABatchSlot() throws Exception {
    ModelQueue q = new ModelQueue("m", new BatchingConfig(2, 0, 100));
    InferenceRequest expired = request(System.nanoTime() - 1);
    InferenceRequest a = request();
    InferenceRequest b = request();
    q.offer(expired);
    q.offer(a);
    q.offer(b);
    List<InferenceRequest> batch = q.awaitBatch(TimeUnit.SECONDS.toNanos(1));
    assertEquals(List.of(a, b), batch);
    assertEquals(ErrorCode.DEADLINE_EXCEEDED, errorOf(expired));
    assertEquals(1, q.expiredBeforeCompute());
  }

  @Test
  void removedRequestsLeaveTheQueue() throws Exception {
    ModelQueue q = new ModelQueue("m", new BatchingConfig(2, 0, 100));
    InferenceRequest a = request();
    InferenceRequest b = request();
    q.offer(a);
    q.offer(b);
    assertTrue(q.remove(a));
    assertFalse(q.remove(a));
    assertEquals(List.of(b), q.awaitBatch(TimeUnit.SECONDS.toNanos(1)));
  }

  @Test
  void closeWakesWaitersAndRejectsNewRequests() throws Exception {
    ModelQueue q = new ModelQueue("m", new BatchingConfig(8, 1000, 100));
    List<List<InferenceRequest>> got = new ArrayList<>();
    Thread waiter = new Thread(() -> {
      try {
        got.add(q.awaitBatch(TimeUnit.SECONDS.toNanos(30)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    waiter.start();
    // awaitBatch waits on a condition with a timeout: the worker is asleep in it.
    Await.until("the worker to wait for a batch",
        () -> waiter.getState() == Thread.State.TIMED_WAITING);
    q.close();
    waiter.join(5000);
    assertFalse(waiter.isAlive(), "close did not wake the waiting worker");
    assertEquals(List.of(List.of()), got);
    ModelQueue.Admission admission = q.offer(request());
    assertEquals(ModelQueue.Admission.CLOSED, admission);
    assertEquals(ErrorCode.UNAVAILABLE, q.rejection(admission).code());
  }

  @Test
  void everyRequestIsAnsweredExactlyOnce() throws Exception {
    InferenceRequest r = request();
    assertTrue(r.fail(ErrorCode.CANCELLED, "first"));
    assertFalse(r.fail(ErrorCode.INTERNAL, "second"));
    assertFalse(r.succeed(new InferenceResult(new int[0], new float[0], null, 0, 0, 1, "1")));
    assertEquals(ErrorCode.CANCELLED, errorOf(r));
  }
}
