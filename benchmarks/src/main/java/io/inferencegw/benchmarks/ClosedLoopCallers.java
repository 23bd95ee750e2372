package io.inferencegw.benchmarks;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.grpc.HealthEndpoint;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
   * Callers run without a break through the warm-up into the measured period, and a call counts
   * when its answer arrives within that period: the queue is in its steady state when counting
   * starts, and a long batch straddling either edge is neither lost nor counted twice.
   */
  LoadResult run(String model, int callers, int warmupSeconds, int seconds) {
    try (GatewayClient client = new GatewayClient(vertx, "localhost", port)) {
      long counted = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
      Window window = new Window(counted, counted + TimeUnit.SECONDS.toNanos(seconds));
      LoadResult result = new LoadResult();
      AtomicLong next = new AtomicLong();
      List<Future<Void>> loops = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        Promise<Void> done = Promise.promise();
        loops.add(done.future());
        vertx.runOnContext(v -> call(client, model, next, result, window, done));
      }
      Future.all(loops).await();
      result.elapsedNanos = window.endNanos() - window.startNanos();
      return result;
    }
  }

  /**
   * The floor under every call: one caller making {@code grpc.health.v1.Health/Check} calls,
   * which the gateway answers on the event loop at once, over the same kind of connection.
   * What a Classify call spends beyond it and beyond its compute is the gateway's own path:
   * admission, hand-offs between threads, writing the answer.
   */
  LoadResult healthChecks(int warmupSeconds, int seconds) {
    try (GatewayClient client = new GatewayClient(vertx, "localhost", port)) {
      long counted = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
      Window window = new Window(counted, counted + TimeUnit.SECONDS.toNanos(seconds));
      LoadResult result = new LoadResult();
      Promise<Void> done = Promise.promise();
      vertx.runOnContext(v -> check(client, result, window, done));
      done.future().await();
      result.elapsedNanos = window.endNanos() - window.startNanos();
      return result;
    }
  }

  private static final ServiceMethod<HealthCheckResponse, HealthCheckRequest> HEALTH_CHECK =
      ServiceMethod.client(HealthEndpoint.SERVICE, "Check", GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(HealthCheckResponse.newBuilder()));

  private void check(GatewayClient client, LoadResult result, Window window, Promise<Void> done) {
    if (System.nanoTime() >= window.endNanos()) {
      done.complete();
      return;
    }
    long t0 = System.nanoTime();
    client.call(HEALTH_CHECK, HealthCheckRequest.getDefaultInstance(), 0).onComplete(ar -> {
      long t1 = System.nanoTime();
      if (window.contains(t1)) {
        if (ar.succeeded()) {
          result.record(TimeUnit.NANOSECONDS.toMicros(t1 - t0), 0, 0, 1);
        } else {
          result.fail(ar.cause());
        }
      }
      check(client, result, window, done);
    });
  }

  /** The measured period, in {@link System#nanoTime()}. */
  private record Window(long startNanos, long endNanos) {
    boolean contains(long answeredNanos) {
      return answeredNanos >= startNanos && answeredNanos <= endNanos;
    }
  }

  private void call(GatewayClient client, String model, AtomicLong next, LoadResult result,
      Window window, Promise<Void> done) {
    if (System.nanoTime() >= window.endNanos()) {
      done.complete();
      return;
    }
    ByteString image = images.get((int) (next.getAndIncrement() % images.size()));
    long t0 = System.nanoTime();
    client.classify(ClassifyRequest.newBuilder().setModel(model).setImage(image).build())
        .onComplete(ar -> {
          long t1 = System.nanoTime();
          if (window.contains(t1)) {
            if (ar.succeeded()) {
              ClassifyResponse r = ar.result();
              result.record(TimeUnit.NANOSECONDS.toMicros(t1 - t0),
                  r.getTiming().getComputeUs(), r.getTiming().getQueueUs(),
                  r.getTiming().getBatchSize());
            } else {
              result.fail(ar.cause());
            }
          }
          call(client, model, next, result, window, done);
        });
  }
}
