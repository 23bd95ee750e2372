package io.inferencegw.gateway.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Classify calls to the bundled model kept running while a test sends hostile management calls:
 * every one must get the right answer, and one more after the last refusal too.
 */
final class ServingProbe implements AutoCloseable {

  static final String MODEL = "fashion-lenet";
  private static final Path SAMPLE = Path.of("../deploy/samples/bag.png");
  private static final String LABEL = "Bag";
  private static final int CLIENTS = 4;

  private final GatewayClient client;
  private final ClassifyRequest request;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger answered = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final List<Future<Void>> loops = new ArrayList<>();

  private ServingProbe(Vertx vertx, int port) throws Exception {
    client = new GatewayClient(vertx, "localhost", port);
    request = ClassifyRequest.newBuilder().setModel(MODEL)
        .setImage(ByteString.copyFrom(Files.readAllBytes(SAMPLE))).build();
    for (int c = 0; c < CLIENTS; c++) {
      Promise<Void> done = Promise.promise();
      loops.add(done.future());
      vertx.runOnContext(v -> loop(done));
    }
  }

  /** Starts classifying on the gateway at {@code port} until {@link #close}. */
  static ServingProbe start(Vertx vertx, int port) throws Exception {
    return new ServingProbe(vertx, port);
  }

  private void loop(Promise<Void> done) {
    if (!running.get()) {
      done.complete();
      return;
    }
    client.classify(request).onComplete(ar -> {
      if (ar.failed()) {
        failures.add(String.valueOf(ar.cause()));
      } else if (!LABEL.equals(ar.result().getPredictions(0).getLabel())) {
        failures.add("wrong answer " + ar.result().getPredictions(0).getLabel());
      } else {
        answered.incrementAndGet();
      }
      loop(done);
    });
  }

  /**
   * Stops the concurrent calls, asserts that all of them were answered correctly, and that one
   * more call made now is answered correctly too.
   */
  @Override
  public void close() throws Exception {
    try {
      running.set(false);
      Future.all(loops).await(30, TimeUnit.SECONDS);
      assertTrue(failures.isEmpty(), "classify calls failed meanwhile: " + failures);
      ClassifyResponse after = client.classify(request).await(30, TimeUnit.SECONDS);
      assertEquals(LABEL, after.getPredictions(0).getLabel(), "a call after the refusals");
      assertTrue(answered.get() > 0, "the concurrent clients were answered");
    } finally {
      client.close();
    }
  }
}
