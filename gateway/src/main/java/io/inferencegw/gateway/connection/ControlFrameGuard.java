package io.inferencegw.gateway.connection;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what a WebSocket client's control frames cost. Vert.x answers every ping with a pong
 * as soon as it is decoded, before any flow control of the socket, and queues the pong without
 * a bound when the client does not read: one client grew the heap by gigabytes in seconds. So,
 * ahead of Vert.x:
 *
 * <ul>
 *   <li>a ping that arrives while the connection's outbound buffer is full (the client does not
 *       read what it is sent) closes the connection at once: a close frame would queue behind
 *       the unread pongs and never arrive;
 *   <li>more than {@link #MAX_CONTROL_FRAMES_PER_SECOND} pings and pongs within a second close
 *       it with 1008 and the reason, so that a client that does read cannot keep an event loop
 *       busy answering pings either.
 * </ul>
 */
final class ControlFrameGuard extends ChannelInboundHandlerAdapter {

  static final String NAME = "control-frame-guard";
  /** Keep-alive pings come every few seconds; this leaves ample room for any real client. */
  static final int MAX_CONTROL_FRAMES_PER_SECOND = 50;

  private static final Logger LOG = LoggerFactory.getLogger(ControlFrameGuard.class);
  private static final long SECOND_NANOS = 1_000_000_000L;

  private long windowStart = System.nanoTime();
  private int inWindow;
  private boolean closing;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    boolean ping = msg instanceof PingWebSocketFrame;
    if (closing || !(ping || msg instanceof PongWebSocketFrame)) {
      if (closing) {
        ReferenceCountUtil.release(msg);
      } else {
        ctx.fireChannelRead(msg);
      }
      return;
    }
    if (ping && !ctx.channel().isWritable()) {
      ReferenceCountUtil.release(msg);
      closing = true;
      LOG.info("WebSocket from {}: pings while it reads nothing; closed",
          ctx.channel().remoteAddress());
      ctx.close();
      return;
    }
    long now = System.nanoTime();
    if (now - windowStart >= SECOND_NANOS) {
      windowStart = now;
      inWindow = 0;
    }
    if (++inWindow > MAX_CONTROL_FRAMES_PER_SECOND) {
      ReferenceCountUtil.release(msg);
      closing = true;
      LOG.info("WebSocket from {}: control frame flood; closed", ctx.channel().remoteAddress());
      // Sent as far as the socket takes it now, then closed without waiting: a client that
      // floods need not be waited for.
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION.code(),
          "more than " + MAX_CONTROL_FRAMES_PER_SECOND + " pings and pongs per second"));
      ctx.close();
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
