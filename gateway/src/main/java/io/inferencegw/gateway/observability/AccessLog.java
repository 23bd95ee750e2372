package io.inferencegw.gateway.observability;

import io.inferencegw.gateway.config.AccessLogConfig;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: one JSON line per answered request, appended to a file by a thread of its
 * own. Event loops only offer a record to a bounded queue: when the disk is slower than the
 * requests, lines are dropped and counted instead of holding anyone up.
 */
public final class AccessLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
  private static final long POLL_MILLIS = 100;
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  private final BlockingQueue<CompletedRequest> pending;
  private final BufferedWriter out;
  private final Runnable onDrop;
  private final Thread writer;
  private volatile boolean closing;

  private AccessLog(AccessLogConfig config, Runnable onDrop) throws IOException {
    this.pending = new ArrayBlockingQueue<>(config.queueCapacity());
    Path parent = config.path().toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.out = Files.newBufferedWriter(config.path(), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    this.onDrop = onDrop;
    this.writer = new Thread(this::writeLoop, "access-log");
    writer.setDaemon(true);
  }

  /**
   * Opens (creating or appending to) the configured file and starts the writer.
   *
   * @param onDrop called for each line dropped because the queue was full
   * @throws UncheckedIOException when the file cannot be opened
   */
  public static AccessLog open(AccessLogConfig config, Runnable onDrop) {
    try {
      AccessLog log = new AccessLog(config, onDrop);
      log.writer.start();
      return log;
    } catch (IOException e) {
      throw new UncheckedIOException("access log " + config.path() + ": " + e.getMessage(), e);
    }
  }

  /** Queues the request's line; never blocks. */
  public void write(CompletedRequest request) {
    if (closing || !pending.offer(request)) {
      onDrop.run();
    }
  }

  private void writeLoop() {
    try {
      while (!closing || !pending.isEmpty()) {
        CompletedRequest r = pending.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (r == null) {
          continue;
        }
        writeLine(r);
        // Flush when the queue runs dry: lines reach the file promptly, and a burst is written
        // in large pieces.
        while ((r = pending.poll()) != null) {
          writeLine(r);
        }
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.error("access log stopped: {}", e.getMessage());
      closing = true;
      pending.clear();
    } finally {
      try {
        out.close();
      } catch (IOException e) {
        LOG.warn("access log not closed cleanly: {}", e.getMessage());
      }
    }
  }

  private void writeLine(CompletedRequest r) throws IOException {
    out.write(line(r).encode());
    out.write('\n');
  }

  /** The fields of one line; times in microseconds, -1 where the request was never computed. */
  static JsonObject line(CompletedRequest r) {
    return new JsonObject()
        .put("time", Instant.ofEpochMilli(r.epochMillis()).toString())
        .put("request_id", r.requestId())
        .put("api", r.api().label())
        .put("model", r.model())
        .put("version", r.version())
        .put("status", r.outcome())
        .put("queue_us", r.queueMicros())
        .put("compute_us", r.computeMicros())
        .put("total_us", TimeUnit.NANOSECONDS.toMicros(r.totalNanos()));
  }

  /** Writes the lines queued so far and closes the file; blocks for a bounded time. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(CLOSE_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
