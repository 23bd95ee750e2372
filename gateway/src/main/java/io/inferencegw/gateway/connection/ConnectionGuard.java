package io.inferencegw.gateway.connection;

import io.inferencegw.gateway.config.ConnectionLimits;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.util.AttributeKey;
import io.vertx.core.Handler;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Limits on the connections of the frontend port: how many are served at once (counted over
 * every frontend, one per event loop, that shares the port), how long a new one may stay
 * silent or wait with its first request, and how long each protocol may stay idle.
 *
 * <p>Vert.x has no connection limit of its own and tells the application of a connection only
 * once its protocol is known: an HTTP/1 connection with its first complete request head (the
 * port also takes HTTP/2 without upgrade, so Vert.x waits for the head to rule out an h2c
 * upgrade), an HTTP/2 connection with the client's SETTINGS. Until then the connection is in
 * the hands of {@link AcceptGuard}, which bounds how many such connections there are and closes
 * one not made known within the request head timeout (Vert.x's own idle timeout, set to the
 * same, closes a silent one too). From then on the guard counts the connection against the
 * limit and replaces Vert.x's idle timeout with its protocol's {@link IdleTimeout}.
 *
 * <p>Reaches the Netty channel under a Vert.x connection through Vert.x's connection base class,
 * since the public API offers no way to change a connection's idle timeout.
 */
public final class ConnectionGuard {

  /**
   * HTTP/2 settings we advertise; these are Vert.x's server defaults, stated here so that the
   * limits are in one place: at most 100 concurrent streams (calls) per connection, header
   * lists of at most 8 KiB. HTTP/1 request lines are capped at 4 KiB and headers at 8 KiB, and
   * Vert.x closes an HTTP/2 connection that resets more than 200 streams within 30 s.
   */
  static final long MAX_CONCURRENT_STREAMS = 100;
  static final long MAX_HEADER_LIST_BYTES = 8192;
  static final int MAX_REQUEST_LINE_BYTES = 4096;
  static final int MAX_HTTP1_HEADER_BYTES = 8192;
  /** How long a WebSocket we close waits for the client's close frame before the TCP close. */
  static final int WEBSOCKET_CLOSING_SECONDS = 5;

  /** The name Vert.x gives its own handler, the last in every connection's pipeline. */
  private static final String VERTX_HANDLER = "handler";
  private static final AttributeKey<GuardedConnection> GUARDED =
      AttributeKey.valueOf(ConnectionGuard.class, "guarded");

  private final ConnectionLimits limits;
  private final AtomicInteger open = new AtomicInteger();
  /** Accepted connections whose protocol is not known yet (see {@link AcceptGuard}). */
  private final AtomicInteger unknown = new AtomicInteger();
  private final LongAdder refused = new LongAdder();

  public ConnectionGuard(ConnectionLimits limits) {
    this.limits = limits;
  }

  public ConnectionLimits limits() {
    return limits;
  }

  /** Connections being served now, over all frontends. */
  public int open() {
    return open.get();
  }

  /** Accepted connections whose protocol is not known yet. */
  public int unknown() {
    return unknown.get();
  }

  /** Connections refused because the limit was reached, since start. */
  public long refused() {
    return refused.sum();
  }

  /** The server options the guard relies on. */
  public HttpServerOptions configure(HttpServerOptions options) {
    return options
        .setIdleTimeout(limits.requestHeadSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setInitialSettings(new Http2Settings()
            .setMaxConcurrentStreams(MAX_CONCURRENT_STREAMS)
            .setMaxHeaderListSize(MAX_HEADER_LIST_BYTES))
        .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
        .setMaxHeaderSize(MAX_HTTP1_HEADER_BYTES)
        .setWebSocketClosingTimeout(WEBSOCKET_CLOSING_SECONDS);
  }

  /** The server's connection handler: counts, refuses over the limit, and sets the timeouts. */
  public void accept(HttpConnection conn) {
    Channel channel = channel(conn);
    guardListening(channel.parent());
    AcceptGuard.known(channel);
    boolean http2 = channel.pipeline().get(Http2ConnectionHandler.class) != null;
    GuardedConnection upgraded = channel.attr(GUARDED).get();
    GuardedConnection guarded =
        new GuardedConnection(conn, channel, http2, limits.webSocketIdleSeconds());
    channel.attr(GUARDED).set(guarded);
    channel.closeFuture().addListener(f -> guarded.closed());
    if (upgraded == null) { // not an HTTP/1 connection upgraded to h2c, which is counted already
      if (open.incrementAndGet() > limits.maxConnections()) {
        open.decrementAndGet();
        refused.increment();
        guarded.refuse("the gateway is serving its limit of " + limits.maxConnections()
            + " connections; retry later");
        return;
      }
      channel.closeFuture().addListener(f -> open.decrementAndGet());
    }
    int idle = http2 ? limits.http2IdleSeconds() : limits.http1IdleSeconds();
    useIdleTimeout(channel, new IdleTimeout(idle, guarded::busy, () -> guarded.closeIdle(idle)));
    if (http2 && upgraded == null) {
      guarded.expectRequestWithin(limits.requestHeadSeconds());
    }
  }

  /**
   * Vert.x offers no hook where a connection is accepted, so the guard puts its
   * {@link AcceptGuard} on the listening channel itself, reached as the parent of the first
   * connection it is told of (the gateway makes one at start for that reason).
   */
  private synchronized void guardListening(Channel listening) {
    if (listening != null && listening.pipeline().get(AcceptGuard.NAME) == null) {
      listening.pipeline().addFirst(AcceptGuard.NAME, new AcceptGuard(
          unknown, limits.maxConnections(), limits.requestHeadSeconds(), refused::increment));
    }
  }

  /**
   * Wraps the server's request handler: a request on a refused connection is answered 503 with
   * the reason; any other is noted as its connection's request in progress.
   */
  public Handler<HttpServerRequest> guard(Handler<HttpServerRequest> next) {
    return req -> {
      GuardedConnection guarded = channel(req.connection()).attr(GUARDED).get();
      if (guarded == null || guarded.admit(req)) {
        next.handle(req);
      }
    };
  }

  /**
   * Switches an accepted WebSocket's connection ({@code conn}: its upgrade request's) to the
   * WebSocket idle timeout: no frames either way, pings included, and nothing being computed
   * ({@code busy}), closes it with 1001. Also bounds its control frames
   * ({@link ControlFrameGuard}).
   */
  public static void webSocketOpened(
      HttpConnection conn, ServerWebSocket ws, BooleanSupplier busy) {
    Channel channel = channel(conn);
    GuardedConnection guarded = channel.attr(GUARDED).get();
    if (guarded == null) {
      return; // a server without a guard
    }
    if (channel.pipeline().get(ControlFrameGuard.NAME) == null) {
      channel.pipeline().addBefore(VERTX_HANDLER, ControlFrameGuard.NAME, new ControlFrameGuard());
    }
    int idleSeconds = guarded.webSocketIdleSeconds();
    useIdleTimeout(channel, new IdleTimeout(idleSeconds, busy, () -> ws.close((short) 1001,
        "idle: no frames either way for " + idleSeconds + " s")));
  }

  private static void useIdleTimeout(Channel channel, IdleTimeout timeout) {
    if (channel.pipeline().get(IdleTimeout.NAME) != null) {
      channel.pipeline().replace(IdleTimeout.NAME, IdleTimeout.NAME, timeout);
    } else {
      channel.pipeline().addFirst(IdleTimeout.NAME, timeout);
    }
  }

  private static Channel channel(HttpConnection conn) {
    return ((ConnectionBase) conn).channel();
  }
}
