package io.inferencegw.gateway.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.plugin.api.testing.Await;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatch policy of {@link ModelQueue}: an idle replica takes what is ready, in the sizes it
 * prefers, and waits only for inputs that are being prepared, for at most its join wait.
 */
class DispatchPolicyTest {

  private static final long LONG = TimeUnit.SECONDS.toNanos(30);

  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  /** An input stage that leaves every input "being prepared" until the test says it is done. */
  private static final class ManualStage implements InputStage {
    final List<InferenceRequest> preparing = new CopyOnWriteArrayList<>();
    /** What {@link #cheapOnWorker} says of every input. */
    volatile boolean cheap;

    @Override
    public boolean cheapOnWorker(InferenceRequest request) {
      return cheap;
    }

    @Override
    public boolean needsPreparation(InferenceRequest request) {
      return true;
    }

    @Override
    public void prepare(InferenceRequest request, ModelQueue queue) {
      preparing.add(request);
    }

    void finish(InferenceRequest request, ModelQueue queue) {
      queue.inputPrepared(request, new float[] {1f}, TimeUnit.MICROSECONDS.toNanos(150));
    }
  }

  /** The replica's next batch under {@code plan}, waited for on another thread. */
  private static CompletableFuture<List<InferenceRequest>> inBackground(ModelQueue q,
      DispatchPlan plan) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return q.awaitBatch(LONG, plan);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private InferenceRequest request() {
    return new InferenceRequest(new ModelInput.EncodedImage(new byte[] {1}), 5, false,
        Long.MAX_VALUE, vertx.getOrCreateContext());
  }

  private List<InferenceRequest> offer(ModelQueue q, int n) {
    List<InferenceRequest> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      InferenceRequest r = request();
      assertEquals(ModelQueue.Admission.ADMITTED, q.offer(r));
      out.add(r);
    }
    return out;
  }

  @Test
  void anIdleReplicaTakesALoneRequestAtOnceUnderTheDefaults() throws Exception {
    ModelQueue q = new ModelQueue("m", BatchingConfig.DEFAULT);
    InferenceRequest lone = offer(q, 1).get(0);
    // max_batch_size 32 and nothing else coming: waiting could only add latency. The poll's
    // own bound is 30 s, so getting the request back at all means it did not wait for company.
    List<InferenceRequest> batch = q.awaitBatch(LONG, new DispatchPlan(List.of(32), 0));
    assertEquals(List.of(lone), batch);
  }

  @Test
  void anIdleReplicaDecodesALoneCheapInputItself() throws Exception {
    ManualStage stage = new ManualStage();
    stage.cheap = true;
    ModelQueue q = new ModelQueue("m", BatchingConfig.DEFAULT, stage);
    CompletableFuture<List<InferenceRequest>> batch =
        inBackground(q, new DispatchPlan(List.of(8), LONG));
    Await.until("the replica to wait idle", Await.DEFAULT_TIMEOUT, () -> q.idleWorkers() == 1);
    List<InferenceRequest> both = offer(q, 2);
    // The first is ready at once, for the idle replica to decode; the second finds it waiting
    // (or the replica gone with it) and goes to the input stage, so the replica never decodes
    // more than one request's input.
    assertEquals(List.of(both.get(1)), stage.preparing);
    stage.finish(both.get(1), q);
    List<InferenceRequest> taken = new ArrayList<>(
        batch.get(Await.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    if (taken.size() == 1) { // the replica woke before the second came: it comes next
      taken.addAll(q.awaitBatch(LONG, new DispatchPlan(List.of(8), 0)));
    }
    assertEquals(both, taken);
    assertEquals(null, both.get(0).preparedInput(), "the replica prepares it");
    assertEquals(0, both.get(0).prepareNanos());
    assertTrue(both.get(1).preparedInput() != null, "the input stage prepared the second");
  }

  @Test
  void inputsGoToTheInputStageWhenNoReplicaIsIdleOrTheyAreNotCheap() throws Exception {
    ManualStage stage = new ManualStage();
    stage.cheap = true;
    ModelQueue q = new ModelQueue("m", BatchingConfig.DEFAULT, stage);
    InferenceRequest nobodyIdle = offer(q, 1).get(0);
    assertEquals(List.of(nobodyIdle), stage.preparing, "no replica waits: the stage prepares it");
    stage.finish(nobodyIdle, q);
    assertEquals(List.of(nobodyIdle), q.awaitBatch(LONG, new DispatchPlan(List.of(8), 0)));

    stage.cheap = false;
    CompletableFuture<List<InferenceRequest>> batch =
        inBackground(q, new DispatchPlan(List.of(8), 0));
    Await.until("the replica to wait idle", Await.DEFAULT_TIMEOUT, () -> q.idleWorkers() == 1);
    InferenceRequest large = offer(q, 1).get(0);
    assertEquals(List.of(nobodyIdle, large), stage.preparing,
        "an input that is not cheap goes to the stage even when a replica is idle");
    stage.finish(large, q);
    assertEquals(List.of(large), batch.get(Await.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
  }

  @Test
  void takesTheLargestPreferredSizeThatTheReadyRequestsFill() throws Exception {
    ModelQueue q = new ModelQueue("m", BatchingConfig.DEFAULT);
    List<InferenceRequest> all = offer(q, 11);
    DispatchPlan plan = new DispatchPlan(List.of(4, 8), 0);
    assertEquals(all.subList(0, 8), q.awaitBatch(LONG, plan));
    // 3 left: fewer than any preferred size, and nothing coming: all of them, now.
    assertEquals(all.subList(8, 11), q.awaitBatch(LONG, plan));
  }

  @Test
  void waitsForInputsBeingPreparedWhenTheJoinWaitAllows() throws Exception {
    ManualStage stage = new ManualStage();
    ModelQueue q = new ModelQueue("m", BatchingConfig.DEFAULT, stage);
    List<InferenceRequest> all = offer(q, 3);
    stage.finish(all.get(0), q);
    // One ready, two being prepared: with a long join wait the replica waits for them.
    CompletableFuture<List<InferenceRequest>> batch =
        inBackground(q, new DispatchPlan(List.of(8), LONG));
    stage.finish(all.get(1), q);
    stage.finish(all.get(2), q);
    // All inputs prepared: nothing more is coming, so the batch goes without the 30 s wait.
    assertEquals(all, batch.get(Await.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
  }

  @Test
  void doesNotWaitForInputsBeingPreparedBeyondTheJoinWait() throws Exception {
    ManualStage stage = new ManualStage();
    ModelQueue q = new ModelQueue("m", BatchingConfig.DEFAULT, stage);
    List<InferenceRequest> all = offer(q, 2);
    stage.finish(all.get(0), q);
    // Join wait 0 (a replica whose batch of one is instant): the ready request goes alone while
    // the other is still being decoded.
    assertEquals(List.of(all.get(0)), q.awaitBatch(LONG, new DispatchPlan(List.of(8), 0)));
    assertTrue(all.get(1).isQueued(), "the request being prepared keeps its place");
    stage.finish(all.get(1), q);
    assertEquals(List.of(all.get(1)), q.awaitBatch(LONG, new DispatchPlan(List.of(8), 0)));
  }

  @Test
  void aFailedPreparationEndsTheWaitForIt() throws Exception {
    ManualStage stage = new ManualStage();
    ModelQueue q = new ModelQueue("m", BatchingConfig.DEFAULT, stage);
    List<InferenceRequest> all = offer(q, 2);
    stage.finish(all.get(0), q);
    CompletableFuture<List<InferenceRequest>> batch =
        inBackground(q, new DispatchPlan(List.of(8), LONG));
    q.inputFailed(all.get(1), new io.inferencegw.gateway.core.GatewayException(
        io.inferencegw.gateway.core.ErrorCode.INVALID_ARGUMENT, "not an image"));
    assertEquals(List.of(all.get(0)),
        batch.get(Await.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
  }

  @Test
  void anIdleReplicaTakesWhatABusyOneLeft() throws Exception {
    ModelQueue q = new ModelQueue("m", BatchingConfig.DEFAULT);
    DispatchPlan plan = new DispatchPlan(List.of(4), 0);
    List<InferenceRequest> all = offer(q, 6);
    // Replica A takes its preferred 4 and keeps computing; replica B, idle, gets the other 2
    // at once instead of their waiting for A.
    List<InferenceRequest> a = q.awaitBatch(LONG, plan);
    List<InferenceRequest> b = q.awaitBatch(LONG, plan);
    assertEquals(all.subList(0, 4), a);
    assertEquals(all.subList(4, 6), b);
  }

  @Test
  void twoReplicasPullingTogetherShareTheRequestsAndAnswerEachOnce() throws Exception {
    ModelQueue q = new ModelQueue("m", BatchingConfig.DEFAULT);
    DispatchPlan plan = new DispatchPlan(List.of(4), 0);
    List<InferenceRequest> all = offer(q, 400);
    List<CompletableFuture<Integer>> replicas = new ArrayList<>();
    List<InferenceRequest> taken = new CopyOnWriteArrayList<>();
    for (int replica = 0; replica < 2; replica++) {
      replicas.add(CompletableFuture.supplyAsync(() -> {
        int batches = 0;
        try {
          List<InferenceRequest> batch;
          while (!(batch = q.awaitBatch(TimeUnit.MILLISECONDS.toNanos(200), plan)).isEmpty()) {
            taken.addAll(batch);
            batches++;
          }
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return batches;
      }));
    }
    int total = 0;
    for (CompletableFuture<Integer> r : replicas) {
      total += r.get(Await.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    assertEquals(100, total, "400 requests in batches of the preferred 4");
    assertEquals(400, taken.size());
    assertEquals(400, taken.stream().distinct().count(), "no request went to both replicas");
    assertTrue(taken.containsAll(all));
  }

  @Test
  void maxQueueDelayStillHoldsReadyRequestsForCompany() throws Exception {
    ModelQueue q = new ModelQueue("m", new BatchingConfig(4, 10_000_000, 100));
    List<InferenceRequest> first = offer(q, 1);
    CompletableFuture<List<InferenceRequest>> batch = inBackground(q, DispatchPlan.upTo(4));
    // Held for 10 s: the three that follow join it, making the full batch of 4.
    List<InferenceRequest> rest = offer(q, 3);
    List<InferenceRequest> got = batch.get(Await.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(4, got.size());
    assertEquals(first.get(0), got.get(0));
    assertTrue(got.containsAll(rest));
  }
}
