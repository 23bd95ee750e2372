package io.inferencegw.gateway.connection;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * On the listening channel, ahead of Netty's acceptor: sees every accepted connection before
 * Vert.x does, while its protocol is still unknown. Such connections are bounded in number (one
 * over the bound is closed at once) and in time: one that Vert.x has not made known by the
 * request head timeout (HTTP/1: a complete request head; HTTP/2: SETTINGS) is closed, however
 * slowly it keeps sending bytes.
 */
final class AcceptGuard extends ChannelInboundHandlerAdapter {

  static final String NAME = "accept-guard";
  private static final AttributeKey<Unknown> UNKNOWN =
      AttributeKey.valueOf(AcceptGuard.class, "unknown");

  /** A connection whose protocol is not known yet: counted until it is, or until it closes. */
  private static final class Unknown {
    private final AtomicBoolean counted = new AtomicBoolean(true);
    private final AtomicInteger count;

    Unknown(AtomicInteger count) {
      this.count = count;
    }

    void release() {
      if (counted.compareAndSet(true, false)) {
        count.decrementAndGet();
      }
    }

    boolean isKnown() {
      return !counted.get();
    }
  }

  private final AtomicInteger unknown;
  private final int maxUnknown;
  private final int headSeconds;
  private final Runnable onRejected;

  AcceptGuard(AtomicInteger unknown, int maxUnknown, int headSeconds, Runnable onRejected) {
    this.unknown = unknown;
    this.maxUnknown = maxUnknown;
    this.headSeconds = headSeconds;
    this.onRejected = onRejected;
  }

  /** Called once Vert.x made the connection known: it no longer counts as unknown. */
  static void known(Channel child) {
    Unknown u = child.attr(UNKNOWN).getAndSet(null);
    if (u != null) {
      u.release();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Channel child)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (unknown.incrementAndGet() > maxUnknown) {
      unknown.decrementAndGet();
      onRejected.run();
      child.unsafe().closeForcibly(); // not registered yet: nothing to tell it
      return;
    }
    Unknown u = new Unknown(unknown);
    child.attr(UNKNOWN).set(u);
    child.closeFuture().addListener(f -> u.release());
    ctx.executor().schedule(() -> {
      if (!u.isKnown()) {
        child.close();
      }
    }, headSeconds, TimeUnit.SECONDS);
    ctx.fireChannelRead(child);
  }
}
