package io.inferencegw.gateway.connection;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Closes a connection that has moved no bytes either way for its protocol's idle timeout, unless
 * it is busy: a request or a stream frame still being computed is legitimately silent (a long
 * gRPC call, a frame waiting for its batch). Netty's handler does the byte watching, also of
 * writes still in progress ({@code observeOutput}), and checks again one timeout later when the
 * connection was busy.
 *
 * <p>Replaces the handler Vert.x puts under the name {@code idle}, whose single timeout serves
 * here as the limit for a connection whose protocol is not known yet.
 */
final class IdleTimeout extends IdleStateHandler {

  static final String NAME = "idle";

  private final BooleanSupplier busy;
  private final Runnable close;

  /**
   * @param busy whether the connection has work in progress, asked on the event loop
   * @param close closes the connection the way its protocol says goodbye
   */
  IdleTimeout(int seconds, BooleanSupplier busy, Runnable close) {
    super(true, 0, 0, seconds, TimeUnit.SECONDS);
    this.busy = busy;
    this.close = close;
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
    if (!busy.getAsBoolean()) {
      close.run();
    }
  }
}
