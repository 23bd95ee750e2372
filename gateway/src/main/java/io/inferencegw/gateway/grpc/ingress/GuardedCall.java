package io.inferencegw.gateway.grpc.ingress;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Timer;
import io.vertx.core.http.HttpConnection;
import io.vertx.grpc.common.GrpcError;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.InvalidMessageException;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.common.WireFormat;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.StatusException;

/**
 * The call a service handler gets: vertx-grpc's call, with two transport fixes. A request
 * message that does not decode is answered INTERNAL with the parser's reason (as grpc-java
 * does; vertx-grpc resets the stream), and {@link #timeout()} is the time left until the
 * deadline, exact to the millisecond above (vertx-grpc truncates {@code 500u} to "none").
 */
final class GuardedCall<Req, Resp> implements GrpcServerRequest<Req, Resp> {

  private final GrpcServerRequest<Req, Resp> call;
  private final CallGuard guard;
  private final GrpcMessageDecoder<Req> decoder;
  private final String messageType;

  GuardedCall(GrpcServerRequest<Req, Resp> call, CallGuard guard, GrpcMessageDecoder<Req> decoder,
      String messageType) {
    this.call = call;
    this.guard = guard;
    this.decoder = decoder;
    this.messageType = messageType;
  }

  @Override
  public GrpcServerRequest<Req, Resp> handler(Handler<Req> handler) {
    if (handler == null) {
      call.messageHandler(null);
      return this;
    }
    call.messageHandler(
        message -> {
          Req decoded;
          try {
            decoded = decoder.decode(message);
          } catch (RuntimeException e) {
            guard.fail(new StatusException(GrpcStatus.INTERNAL,
                "request message is not a valid " + messageType + ": " + rootMessage(e)));
            return;
          }
          try {
            handler.handle(decoded);
          } catch (RuntimeException e) {
            call.response().fail(e);
          }
        });
    return this;
  }

  @Override
  public long timeout() {
    return guard.timeoutMillis();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  // Everything else is vertx-grpc's call as is.

  @Override
  public ServiceName serviceName() {
    return call.serviceName();
  }

  @Override
  public String methodName() {
    return call.methodName();
  }

  @Override
  public String fullMethodName() {
    return call.fullMethodName();
  }

  @Override
  public GrpcServerResponse<Req, Resp> response() {
    return call.response();
  }

  @Override
  public MultiMap headers() {
    return call.headers();
  }

  @Override
  public String encoding() {
    return call.encoding();
  }

  @Override
  public WireFormat format() {
    return call.format();
  }

  @Override
  public GrpcServerRequest<Req, Resp> messageHandler(Handler<GrpcMessage> handler) {
    call.messageHandler(handler);
    return this;
  }

  @Override
  public GrpcServerRequest<Req, Resp> invalidMessageHandler(Handler<InvalidMessageException> handler) {
    call.invalidMessageHandler(handler);
    return this;
  }

  @Override
  public GrpcServerRequest<Req, Resp> errorHandler(Handler<GrpcError> handler) {
    call.errorHandler(handler);
    return this;
  }

  @Override
  public GrpcServerRequest<Req, Resp> exceptionHandler(Handler<Throwable> handler) {
    call.exceptionHandler(handler);
    return this;
  }

  @Override
  public GrpcServerRequest<Req, Resp> pause() {
    call.pause();
    return this;
  }

  @Override
  public GrpcServerRequest<Req, Resp> resume() {
    call.resume();
    return this;
  }

  @Override
  public GrpcServerRequest<Req, Resp> fetch(long amount) {
    call.fetch(amount);
    return this;
  }

  @Override
  public GrpcServerRequest<Req, Resp> endHandler(Handler<Void> handler) {
    call.endHandler(handler);
    return this;
  }

  @Override
  public HttpConnection connection() {
    return call.connection();
  }

  @Override
  public Timer deadline() {
    return call.deadline();
  }

  @Override
  public Future<Req> last() {
    return call.last();
  }

  @Override
  public Future<Void> end() {
    return call.end();
  }
}
