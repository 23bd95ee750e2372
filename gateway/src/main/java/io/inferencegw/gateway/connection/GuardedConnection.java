package io.inferencegw.gateway.connection;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the guard knows of one connection: its protocol, whether it was refused, and the request
 * in progress. Lives as an attribute of the Netty channel and is used only on the channel's
 * event loop.
 */
final class GuardedConnection {

  private final HttpConnection conn;
  private final Channel channel;
  private final boolean http2;
  private final int webSocketIdleSeconds;
  private String refusal; // non-null once refused
  private HttpServerRequest current; // HTTP/1: the latest request, until the connection closes
  private ScheduledFuture<?> headDeadline;

  GuardedConnection(HttpConnection conn, Channel channel, boolean http2, int webSocketIdleSeconds) {
    this.conn = conn;
    this.channel = channel;
    this.http2 = http2;
    this.webSocketIdleSeconds = webSocketIdleSeconds;
  }

  int webSocketIdleSeconds() {
    return webSocketIdleSeconds;
  }

  /**
   * HTTP/2 only: Vert.x tells of an HTTP/2 connection at the client's SETTINGS, so its first
   * HEADERS may still be missing; the connection gets a GOAWAY if they do not arrive in time.
   * (An HTTP/1 connection is made known with its first complete request head.)
   */
  void expectRequestWithin(int seconds) {
    ScheduledFuture<?> deadline = channel.eventLoop().schedule(
        () -> goodbye(Http2Error.NO_ERROR, "no request within " + seconds + " s"),
        seconds, TimeUnit.SECONDS);
    channel.closeFuture().addListener(f -> deadline.cancel(false));
    headDeadline = deadline;
  }

  /**
   * Takes a request; false if its connection was refused, in which case it is answered here:
   * 503 with the reason, and the connection closes.
   */
  boolean admit(HttpServerRequest request) {
    if (refusal != null) {
      request.response()
          .setStatusCode(503)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .putHeader(HttpHeaders.RETRY_AFTER, "1")
          .putHeader(HttpHeaders.CONNECTION, "close")
          .end(refusal + "\n")
          .onComplete(v -> conn.close());
      return false;
    }
    if (headDeadline != null) {
      headDeadline.cancel(false);
      headDeadline = null;
    }
    if (!http2) {
      current = request;
    }
    return true;
  }

  /**
   * The connection closed: forget its last request. Timers of the connection may keep this
   * object for a while, and a request reaches everything its handlers hold (the served model,
   * and through it the plugin's class loader, which must be collectable once unloaded).
   */
  void closed() {
    current = null;
  }

  /**
   * A request in progress keeps the connection from being idle, however long it computes: on
   * HTTP/2 any open stream, on HTTP/1 the latest request until its response ended.
   */
  boolean busy() {
    if (http2) {
      Http2ConnectionHandler handler = channel.pipeline().get(Http2ConnectionHandler.class);
      return handler != null && handler.connection().numActiveStreams() > 0;
    }
    return current != null && !current.response().ended() && !current.response().closed();
  }

  /** Idle: HTTP/2 says GOAWAY with the reason, so that gRPC clients reconnect quietly. */
  void closeIdle(int seconds) {
    goodbye(Http2Error.NO_ERROR, "idle: no request and no bytes either way for " + seconds + " s");
  }

  /**
   * Refused for the connection limit, before any request was served on it. HTTP/2 gets a GOAWAY
   * at once (REFUSED_STREAM: nothing was processed, safe to retry); the HTTP/1 request that
   * made the connection known is answered by {@link #admit}.
   */
  void refuse(String reason) {
    refusal = reason;
    if (http2) {
      goodbye(Http2Error.REFUSED_STREAM, reason);
    }
  }

  private void goodbye(Http2Error code, String reason) {
    if (http2) {
      conn.goAway(code.code(), -1, Buffer.buffer(reason));
    }
    conn.close();
  }
}
