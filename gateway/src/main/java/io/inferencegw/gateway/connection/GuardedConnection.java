package io.inferencegw.gateway.connection;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the guard knows of one accepted connection: its protocol, whether its first request head
 * has arrived, and the request in progress. Lives as an attribute of the Netty channel and is
 * used only on the channel's event loop.
 */
final class GuardedConnection {

  private final HttpConnection conn;
  private final Channel channel;
  private final boolean http2;
  private final int webSocketIdleSeconds;
  private boolean refused;
  private HttpServerRequest current; // HTTP/1: the latest request
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

  boolean isRefused() {
    return refused;
  }

  /** Starts the clock for the first request head; the connection is closed if it runs out. */
  void expectRequestWithin(int seconds) {
    ScheduledFuture<?> deadline =
        channel.eventLoop().schedule(() -> headTimedOut(seconds), seconds, TimeUnit.SECONDS);
    channel.closeFuture().addListener(f -> deadline.cancel(false));
    headDeadline = deadline;
  }

  void requestArrived(HttpServerRequest request) {
    if (headDeadline != null) {
      headDeadline.cancel(false);
      headDeadline = null;
    }
    current = request;
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

  private void headTimedOut(int seconds) {
    String reason = "no complete request head within " + seconds + " s";
    if (http2) {
      goodbye(Http2Error.NO_ERROR, reason);
    } else {
      // The request is still being parsed, so Vert.x cannot answer it: write the status line
      // ourselves and close.
      writeRawAndClose(408, "Request Timeout", reason);
    }
  }

  /** Refused for the connection limit, before any request was served on it. */
  void refuse(String reason) {
    refused = true;
    if (http2) {
      goodbye(Http2Error.REFUSED_STREAM, reason); // nothing was processed: safe to retry
    } else {
      writeRawAndClose(503, "Service Unavailable", reason);
    }
  }

  private void goodbye(Http2Error code, String reason) {
    if (http2) {
      conn.goAway(code.code(), -1, Buffer.buffer(reason));
    }
    conn.close();
  }

  /**
   * An HTTP/1 response written below Vert.x's encoder, from the start of the pipeline. Only for
   * a connection on which no response has started.
   */
  private void writeRawAndClose(int status, String phrase, String reason) {
    byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + phrase + "\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + (status == 503 ? "Retry-After: 1\r\n" : "")
        + "Connection: close\r\n\r\n";
    channel.pipeline().firstContext()
        .writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
