package io.inferencegw.gateway.stream;

import io.inferencegw.gateway.config.StreamConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The frame streams of one gateway: their limits, the open streams' counters and totals over
 * every stream since start. One instance is shared by all frontend verticles (one per event
 * loop), so that {@code GET /v1/streams} shows every stream whichever loop serves it.
 */
public final class StreamRegistry {

  /** Gateway-wide counts, over open and closed streams. */
  static final class Totals {
    final AtomicLong opened = new AtomicLong();
    final LongAdder frames = new LongAdder();
    final LongAdder ok = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder pauses = new LongAdder();
    /** Frames that were still queued when their client went away, and were never computed. */
    final LongAdder removedOnDisconnect = new LongAdder();
  }

  private final StreamConfig config;
  private final Totals totals = new Totals();
  private final Map<Long, StreamStats> open = new ConcurrentSkipListMap<>();

  public StreamRegistry(StreamConfig config) {
    this.config = config;
  }

  public StreamConfig config() {
    return config;
  }

  StreamStats register(String model, StreamParams params, String remote) {
    long id = totals.opened.incrementAndGet();
    StreamStats stats = new StreamStats(id, model, params, remote, config.maxQueuedFrames(), totals);
    open.put(id, stats);
    return stats;
  }

  void unregister(StreamStats stats) {
    open.remove(stats.id());
  }

  /** Streams open now. */
  public int openStreams() {
    return open.size();
  }

  /** Frames answered with a result, over all streams since start. */
  public long framesOk() {
    return totals.ok.sum();
  }

  /** Frames answered as skipped (policy latest), over all streams since start. */
  public long framesSkipped() {
    return totals.skipped.sum();
  }

  /** Frames answered with an error, over all streams since start. */
  public long framesError() {
    return totals.errors.sum();
  }

  /** Frames removed from model queues because their stream closed, never computed. */
  public long removedOnDisconnect() {
    return totals.removedOnDisconnect.sum();
  }

  /** The {@code GET /v1/streams} document: limits, totals, and each open stream. */
  public JsonObject toJson() {
    JsonArray streams = new JsonArray();
    open.values().forEach(s -> streams.add(s.toJson()));
    return new JsonObject()
        .put("limits", new JsonObject()
            .put("max_message_bytes", config.maxMessageBytes())
            .put("max_frame_bytes", config.maxFrameBytes())
            .put("max_queued_frames", config.maxQueuedFrames()))
        .put("totals", new JsonObject()
            .put("opened", totals.opened.get())
            .put("open", open.size())
            .put("frames", totals.frames.sum())
            .put("ok", totals.ok.sum())
            .put("skipped", totals.skipped.sum())
            .put("errors", totals.errors.sum())
            .put("pauses", totals.pauses.sum())
            .put("removed_on_disconnect", totals.removedOnDisconnect.sum()))
        .put("streams", streams);
  }
}
