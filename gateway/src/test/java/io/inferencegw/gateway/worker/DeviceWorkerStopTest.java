package io.inferencegw.gateway.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.batching.ModelQueue;
import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.blocks.Layers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Stopping a device worker (undeploying it): a batch it is running finishes and is answered,
 * the replica is freed afterwards on the thread that ran it, and the worker takes nothing more
 * from its queue.
 */
class DeviceWorkerStopTest {

  private static final VariantSpec SPEC = new VariantSpec("tiny", 3, 4, 4, 3,
      PreprocessSpec.imagenet(4, 4, PreprocessSpec.Interpolation.BILINEAR));
  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void close() {
    VERTX.close().await();
  }

  /**
   * A linear layer whose forward pass can be held until released, and which records on which
   * thread it ran and was freed, and in what order.
   */
  static final class HeldNet extends ClassifierModule {
    private final LinearImpl fc = register_module("fc", Layers.linear(48, 3));
    final List<String> events = new CopyOnWriteArrayList<>();
    final CountDownLatch reached = new CountDownLatch(1);
    volatile CountDownLatch hold;
    volatile Thread ranOn;
    volatile Thread freedOn;

    @Override
    public Tensor forward(Tensor input) {
      ranOn = Thread.currentThread();
      CountDownLatch h = hold;
      if (h != null) {
        reached.countDown();
        try {
          if (!h.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      Tensor logits = fc.forward(input.reshape(input.size(0), -1));
      events.add("forward");
      return logits;
    }

    @Override
    public void close() {
      freedOn = Thread.currentThread();
      events.add("close");
      super.close();
    }
  }

  private static String deploy(ModelQueue queue, HeldNet net) throws Exception {
    DeviceWorker worker = new DeviceWorker("tiny/v1@cpu#0", queue, () -> new BatchRunner(
        "tiny", "1", SPEC, net, "cpu", new ModelInputPreparer(SPEC, InputLimits.DEFAULT)));
    return VERTX.deployVerticle(worker, new DeploymentOptions()
            .setThreadingModel(ThreadingModel.WORKER)
            .setWorkerPoolName("device-stop-test-" + System.identityHashCode(net))
            .setWorkerPoolSize(1))
        .await(60, TimeUnit.SECONDS);
  }

  private static InferenceRequest request() {
    return new InferenceRequest(
        new ModelInput.PreprocessedTensor(List.of(3L, 4L, 4L), new byte[48 * 4]), 3, false,
        Long.MAX_VALUE, VERTX.getOrCreateContext());
  }

  /** A queue that emits every request at once, one batch per request offered alone. */
  private static ModelQueue queue() {
    return new ModelQueue("tiny", new BatchingConfig(8, 0, 100));
  }

  /** After the stop, a request offered is still there for the test itself to take. */
  private static void assertNothingTakesBatches(ModelQueue queue) throws Exception {
    InferenceRequest late = request();
    assertEquals(ModelQueue.Admission.ADMITTED, queue.offer(late));
    assertEquals(List.of(late), queue.awaitBatch(TimeUnit.SECONDS.toNanos(10)),
        "a stopped worker took a batch");
  }

  @Test
  void anIdleWorkerStopsFreesItsReplicaOnItsThreadAndTakesNoMoreBatches() throws Exception {
    ModelQueue queue = queue();
    HeldNet net = new HeldNet();
    String id = deploy(queue, net);
    InferenceRequest first = request();
    queue.offer(first);
    assertEquals(1, first.result().await(30, TimeUnit.SECONDS).batchSize(), "the worker serves");

    VERTX.undeploy(id).await(30, TimeUnit.SECONDS);

    assertEquals("close", net.events.get(net.events.size() - 1), "the replica is freed");
    assertSame(net.ranOn, net.freedOn, "freed on the thread that ran it");
    assertNothingTakesBatches(queue);
  }

  @Test
  void aBatchRunningWhenTheWorkerStopsIsAnsweredBeforeTheReplicaIsFreed() throws Exception {
    ModelQueue queue = queue();
    HeldNet net = new HeldNet();
    String id = deploy(queue, net);
    CountDownLatch release = new CountDownLatch(1);
    net.hold = release;
    InferenceRequest running = request();
    queue.offer(running);
    assertTrue(net.reached.await(30, TimeUnit.SECONDS), "the batch reached the network");

    Future<Void> undeployed = VERTX.undeploy(id);
    // The stop runs on the worker's one thread, after the batch that holds it.
    assertFalse(net.events.contains("close"), "the replica was freed under a running batch");
    assertFalse(undeployed.isComplete(), "stopped while a batch was still running");
    release.countDown();
    undeployed.await(30, TimeUnit.SECONDS);

    assertEquals(1, running.result().await(10, TimeUnit.SECONDS).batchSize(),
        "the running batch is answered");
    List<String> events = net.events;
    assertEquals(List.of("forward", "close"), events.subList(events.size() - 2, events.size()),
        "freed after its last forward pass");
    assertSame(net.ranOn, net.freedOn, "freed on the thread that ran it");
    assertNothingTakesBatches(queue);
  }
}
