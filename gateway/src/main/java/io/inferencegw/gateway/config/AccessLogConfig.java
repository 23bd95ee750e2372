package io.inferencegw.gateway.config;

import java.nio.file.Path;

/**
 * The optional access log ({@code access_log:} in the config): one JSON line per answered
 * request.
 *
 * @param path the file lines are appended to, or null for no access log (the default)
 * @param queueCapacity lines waiting for the writer at most; a line beyond them is dropped and
 *     counted ({@code gateway_access_log_dropped_total}), so that a slow disk never holds up a
 *     request
 */
public record AccessLogConfig(Path path, int queueCapacity) {

  public static final ConfigRange QUEUE_CAPACITY =
      new ConfigRange("access_log.queue_capacity", 1, 10_000_000);

  /** Off; 65,536 lines of about 250 bytes, some 16 MiB, ride out a second's stall at 50k rps. */
  public static final AccessLogConfig DEFAULT = new AccessLogConfig(null, 65_536);

  public AccessLogConfig {
    QUEUE_CAPACITY.check(queueCapacity);
  }

  public boolean enabled() {
    return path != null;
  }

  public AccessLogConfig withPath(Path newPath) {
    return new AccessLogConfig(newPath, queueCapacity);
  }
}
