package io.inferencegw.gateway.config;

/**
 * Limits of WebSocket frame streams ({@code streams:} in the config; every key optional).
 *
 * @param maxMessageBytes largest frame message (encoded image or raw pixels) a stream accepts;
 *     a larger one is answered INVALID_ARGUMENT for its seq and the stream goes on. The default,
 *     4 MiB, holds any 1080p JPEG (typically 0.2-1 MB even at quality 95).
 * @param maxQueuedFrames how many frames of one stream may wait in (or be computed by) its
 *     model at once, and how many replies it may have outstanding; when a stream reaches it, the
 *     gateway stops reading that socket until it drains
 */
public record StreamConfig(int maxMessageBytes, int maxQueuedFrames) {

  /**
   * Largest frame message: at most 512 MiB, so that the frame cap (twice it) still fits an int;
   * at least 1 KiB, less than the smallest image a stream could carry with its header.
   */
  public static final ConfigRange MAX_MESSAGE_BYTES =
      new ConfigRange("streams.max_message_bytes", 1024, 512 * 1024 * 1024);

  /** Frames in flight per stream: more than 1024 is buffering, not pipelining. */
  public static final ConfigRange MAX_QUEUED_FRAMES =
      new ConfigRange("streams.max_queued_frames", 1, 1024);

  /** Declared after the ranges: its constructor checks against them. */
  public static final StreamConfig DEFAULT = new StreamConfig(4 * 1024 * 1024, 8);

  public StreamConfig {
    MAX_MESSAGE_BYTES.check(maxMessageBytes);
    MAX_QUEUED_FRAMES.check(maxQueuedFrames);
  }

  /**
   * Largest single WebSocket frame. Netty buffers a frame whole before anyone sees it, so a
   * frame above this closes the connection with 1009 (message too big). Between
   * {@link #maxMessageBytes} and this cap a message still gets its INVALID_ARGUMENT reply and
   * the stream goes on; a message split into several frames is counted frame by frame and
   * never buffered beyond {@link #maxMessageBytes}, whatever its total size.
   */
  public int maxFrameBytes() {
    return 2 * maxMessageBytes;
  }
}
