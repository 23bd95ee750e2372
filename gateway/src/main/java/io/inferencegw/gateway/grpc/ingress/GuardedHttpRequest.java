package io.inferencegw.gateway.grpc.ingress;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;

/**
 * The HTTP request vertx-grpc sees: everything as the client sent it except the body, which
 * comes from the call's {@link CallGuard} as plain, checked messages. vertx-grpc's reads, flow
 * control and reset handling are routed to the guard instead of the HTTP/2 stream.
 */
final class GuardedHttpRequest extends HttpServerRequestWrapper {

  private final CallGuard guard;

  GuardedHttpRequest(HttpServerRequest request, CallGuard guard) {
    super((HttpServerRequestInternal) request);
    this.guard = guard;
  }

  @Override
  public HttpServerRequest handler(Handler<Buffer> handler) {
    guard.downstreamData(handler);
    return this;
  }

  @Override
  public HttpServerRequest endHandler(Handler<Void> handler) {
    guard.downstreamEnd(handler);
    return this;
  }

  @Override
  public HttpServerRequest exceptionHandler(Handler<Throwable> handler) {
    guard.downstreamError(handler);
    return this;
  }

  @Override
  public HttpServerRequest pause() {
    guard.downstreamPaused(true);
    return this;
  }

  @Override
  public HttpServerRequest resume() {
    guard.downstreamPaused(false);
    return this;
  }

  @Override
  public HttpServerRequest fetch(long amount) {
    if (amount > 0) {
      guard.downstreamPaused(false);
    }
    return this;
  }
}
