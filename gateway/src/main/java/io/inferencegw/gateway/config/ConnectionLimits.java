package io.inferencegw.gateway.config;

/**
 * Limits of client connections to the frontend port ({@code connections:} in the config; every
 * key optional). They keep a client that opens many connections, or holds them without using
 * them, from using up the process's file descriptors and memory.
 *
 * @param maxConnections connections served at once on the port, over all event loops; one more
 *     gets its first request answered HTTP 503 (HTTP/2: GOAWAY REFUSED_STREAM) with the reason,
 *     and is closed. Connections whose protocol is not known yet (no complete request head or
 *     SETTINGS) are bounded by the same number on their own; one over it is closed at accept.
 * @param requestHeadSeconds how long a new connection may take, from accept, until its protocol
 *     is known (HTTP/1: its first request head is complete; HTTP/2: the client's SETTINGS),
 *     however slowly it sends; and how long an HTTP/2 connection may then wait for its first
 *     request
 * @param http1IdleSeconds an HTTP/1 connection with no request in progress and no bytes either
 *     way for this long is closed
 * @param http2IdleSeconds the same for an HTTP/2 connection (gRPC): it gets a GOAWAY; a stream
 *     still open (a long call) keeps it from being idle
 * @param webSocketIdleSeconds a WebSocket with no frames either way (pings count) and no frame
 *     being computed for this long is closed with 1001
 */
public record ConnectionLimits(
    int maxConnections, int requestHeadSeconds, int http1IdleSeconds, int http2IdleSeconds,
    int webSocketIdleSeconds) {

  // The ranges come before DEFAULT: its construction checks against them.

  /** A day: longer timeouts are a mistake rather than a choice. */
  private static final int MAX_SECONDS = 86_400;

  public static final ConfigRange MAX_CONNECTIONS =
      new ConfigRange("connections.max_connections", 1, 1_000_000);
  public static final ConfigRange REQUEST_HEAD_SECONDS =
      new ConfigRange("connections.request_head_timeout_seconds", 1, MAX_SECONDS);
  public static final ConfigRange HTTP1_IDLE_SECONDS =
      new ConfigRange("connections.http1_idle_timeout_seconds", 1, MAX_SECONDS);
  public static final ConfigRange HTTP2_IDLE_SECONDS =
      new ConfigRange("connections.http2_idle_timeout_seconds", 1, MAX_SECONDS);
  public static final ConfigRange WEBSOCKET_IDLE_SECONDS =
      new ConfigRange("connections.websocket_idle_timeout_seconds", 1, MAX_SECONDS);

  /**
   * 10,000 connections stays well below a typical container's file-descriptor limit while
   * serving far more clients than one gateway computes for; the head timeout is shorter than
   * nginx's 60 s since every client here is a program; idle timeouts follow nginx's keepalive
   * (75 s) for HTTP/1 and give gRPC channels and video streams five minutes.
   */
  public static final ConnectionLimits DEFAULT = new ConnectionLimits(10_000, 30, 75, 300, 300);

  public ConnectionLimits {
    MAX_CONNECTIONS.check(maxConnections);
    REQUEST_HEAD_SECONDS.check(requestHeadSeconds);
    HTTP1_IDLE_SECONDS.check(http1IdleSeconds);
    HTTP2_IDLE_SECONDS.check(http2IdleSeconds);
    WEBSOCKET_IDLE_SECONDS.check(webSocketIdleSeconds);
  }
}
