package io.inferencegw.gateway.stream;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one stream, for {@code GET /v1/streams}. Written by the stream's event loop, read
 * from any thread; each count also goes to the gateway-wide totals.
 */
final class StreamStats {

  private final long id;
  private final String model;
  private final StreamParams params;
  private final String remote;
  private final int queuedBound;
  private final StreamRegistry.Totals totals;
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger queuedHighWater = new AtomicInteger();
  private final AtomicInteger waitingHighWater = new AtomicInteger();
  private final AtomicLong pauses = new AtomicLong();
  private final AtomicBoolean paused = new AtomicBoolean();

  StreamStats(long id, String model, StreamParams params, String remote, int queuedBound,
      StreamRegistry.Totals totals) {
    this.id = id;
    this.model = model;
    this.params = params;
    this.remote = remote;
    this.queuedBound = queuedBound;
    this.totals = totals;
  }

  long id() {
    return id;
  }

  void frameReceived() {
    frames.incrementAndGet();
    totals.frames.increment();
  }

  void answeredOk() {
    ok.incrementAndGet();
    totals.ok.increment();
  }

  void answeredSkipped() {
    skipped.incrementAndGet();
    totals.skipped.increment();
  }

  void answeredError() {
    errors.incrementAndGet();
    totals.errors.increment();
  }

  /**
   * Measured after each message and answer.
   *
   * @param unanswered frames of this stream the gateway holds: waiting in the model queue,
   *     computing, waiting to retry, or answered on the worker and on their way back
   * @param waiting of those, the frames still waiting in the model queue
   */
  void queued(int unanswered, int waiting) {
    queued.set(unanswered);
    queuedHighWater.accumulateAndGet(unanswered, Math::max);
    waitingHighWater.accumulateAndGet(waiting, Math::max);
  }

  void removedOnDisconnect(int count) {
    totals.removedOnDisconnect.add(count);
  }

  void paused(boolean now) {
    if (paused.getAndSet(now) != now && now) {
      pauses.incrementAndGet();
      totals.pauses.increment();
    }
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("model", model)
        .put("version", params.version())
        .put("policy", params.policy().label())
        .put("top_k", params.topK())
        .put("remote", remote)
        .put("frames", frames.get())
        .put("ok", ok.get())
        .put("skipped", skipped.get())
        .put("errors", errors.get())
        .put("queued", queued.get())
        .put("queued_high_water", queuedHighWater.get())
        .put("queued_bound", queuedBound)
        .put("waiting_high_water", waitingHighWater.get())
        .put("paused", paused.get())
        .put("pauses", pauses.get());
  }
}
