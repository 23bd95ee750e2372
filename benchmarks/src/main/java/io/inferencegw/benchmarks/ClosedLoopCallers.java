package io.inferencegw.benchmarks;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.grpc.HealthEndpoint;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * N callers in this process, each sending its next Classify as soon as its previous answer
 * arrives (closed loop); all callers share one multiplexed HTTP/2 connection, as the callers of
 * one gRPC channel do.
 */
final class ClosedLoopCallers {

  private final Vertx vertx;
  private final int port;
  private final List<ByteString> images;

  ClosedLoopCallers(Vertx vertx, int port, List<byte[]> images) {
    this.vertx = vertx;
    this.port = port;
    this.images = images.stream().map(ByteString::copyFrom).toList();
  }

  /**
   * Classify calls of {@code model}, the images in turn. Callers run without a break through the
   * warm-up into the measured period, and a call counts when its answer arrives within that
   * period: the queue is in its steady state when counting starts, and a long batch straddling
   * either edge is neither lost nor counted twice.
   */
  LoadResult run(String model, int callers, int warmupSeconds, int seconds) {
    AtomicLong next = new AtomicLong();
    return loop(callers, warmupSeconds, seconds, client -> {
      ByteString image = images.get((int) (next.getAndIncrement() % images.size()));
      return client.classify(ClassifyRequest.newBuilder().setModel(model).setImage(image).build());
    }, (result, micros, r) -> result.record(micros, r.getTiming().getComputeUs(),
        r.getTiming().getQueueUs(), r.getTiming().getBatchSize()));
  }

  /**
   * The floor under every call: one caller making {@code grpc.health.v1.Health/Check} calls,
   * which the gateway answers on the event loop at once, over the same kind of connection.
   * What a Classify call spends beyond it and beyond its compute is the gateway's own path:
   * admission, hand-offs between threads, writing the answer.
   */
  LoadResult healthChecks(int warmupSeconds, int seconds) {
    return loop(1, warmupSeconds, seconds,
        client -> client.call(HealthEndpoint.CHECK_CLIENT, HealthCheckRequest.getDefaultInstance(),
            0),
        (result, micros, answer) -> result.record(micros, 0, 0, 1));
  }

  /** Records one answer that arrived within the measured period. */
  private interface Recorder<T> {
    void record(LoadResult result, long endToEndMicros, T answer);
  }

  /** {@code callers} closed loops of {@code call}, counted in the window after the warm-up. */
  private <T> LoadResult loop(int callers, int warmupSeconds, int seconds,
      Function<GatewayClient, Future<T>> call, Recorder<T> recorder) {
    try (GatewayClient client = new GatewayClient(vertx, "localhost", port)) {
      long counted = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
      Window window = new Window(counted, counted + TimeUnit.SECONDS.toNanos(seconds));
      LoadResult result = new LoadResult();
      List<Future<Void>> loops = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        Promise<Void> done = Promise.promise();
        loops.add(done.future());
        vertx.runOnContext(v -> next(() -> call.apply(client), recorder, result, window, done));
      }
      Future.all(loops).await();
      result.elapsedNanos = window.endNanos() - window.startNanos();
      return result;
    }
  }

  /** The measured period, in {@link System#nanoTime()}. */
  private record Window(long startNanos, long endNanos) {
    boolean contains(long answeredNanos) {
      return answeredNanos >= startNanos && answeredNanos <= endNanos;
    }
  }

  /** One caller's next call, and the one after it once answered, until the window ends. */
  private static <T> void next(Supplier<Future<T>> call, Recorder<T> recorder,
      LoadResult result, Window window, Promise<Void> done) {
    if (System.nanoTime() >= window.endNanos()) {
      done.complete();
      return;
    }
    long t0 = System.nanoTime();
    call.get().onComplete(ar -> {
      long t1 = System.nanoTime();
      if (window.contains(t1)) {
        if (ar.succeeded()) {
          recorder.record(result, TimeUnit.NANOSECONDS.toMicros(t1 - t0), ar.result());
        } else {
          result.fail(ar.cause());
        }
      }
      next(call, recorder, result, window, done);
    });
  }
}
