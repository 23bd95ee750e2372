package io.inferencegw.benchmarks;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N callers in this process, each sending its next Classify as soon as its previous answer
 * arrives (closed loop); all callers share one multiplexed HTTP/2 connection, as the callers of
 * one gRPC channel do. A warm-up period is run and discarded before the measured one.
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

  LoadResult run(String model, int callers, int warmupSeconds, int seconds) {
    try (GatewayClient client = new GatewayClient(vertx, "localhost", port)) {
      period(client, model, callers, warmupSeconds);
      return period(client, model, callers, seconds);
    }
  }

  private LoadResult period(GatewayClient client, String model, int callers, int seconds) {
    LoadResult result = new LoadResult();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong next = new AtomicLong();
    List<Future<Void>> loops = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      Promise<Void> done = Promise.promise();
      loops.add(done.future());
      vertx.runOnContext(v -> call(client, model, next, result, end, done));
    }
    Future.all(loops).await();
    result.elapsedNanos = System.nanoTime() - start;
    return result;
  }

  private void call(GatewayClient client, String model, AtomicLong next, LoadResult result,
      long end, Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete();
      return;
    }
    ByteString image = images.get((int) (next.getAndIncrement() % images.size()));
    long t0 = System.nanoTime();
    client.classify(ClassifyRequest.newBuilder().setModel(model).setImage(image).build())
        .onComplete(ar -> {
          long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
          if (ar.succeeded()) {
            ClassifyResponse r = ar.result();
            result.record(micros, r.getTiming().getComputeUs(), r.getTiming().getQueueUs(),
                r.getTiming().getBatchSize());
          } else {
            result.fail(ar.cause());
          }
          call(client, model, next, result, end, done);
        });
  }
}
