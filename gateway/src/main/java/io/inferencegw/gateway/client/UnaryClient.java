package io.inferencegw.gateway.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A client making unary gRPC calls to the gateway over one HTTP/2 cleartext connection (prior
 * knowledge), for messages up to 64 MiB: the base of this package's service clients.
 */
public abstract class UnaryClient implements AutoCloseable {

  private final GrpcClient grpc;
  private final SocketAddress address;

  protected UnaryClient(Vertx vertx, String host, int port) {
    this.grpc = GrpcClient.client(vertx,
        new GrpcClientOptions().setMaxMessageSize(64L * 1024 * 1024),
        new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
    this.address = SocketAddress.inetSocketAddress(port, host);
  }

  /**
   * One call with a gRPC deadline of {@code timeoutMillis} (0: none). A call answered with an
   * error status fails with {@link GatewayClient.CallFailed}, which carries the status and the
   * server's message.
   */
  public final <Req, Resp> Future<Resp> call(
      ServiceMethod<Resp, Req> method, Req request, long timeoutMillis) {
    return call(method, request, timeoutMillis, Map.of());
  }

  /** As above, sending {@code metadata} (such as {@code authorization}) with the call. */
  public final <Req, Resp> Future<Resp> call(ServiceMethod<Resp, Req> method, Req request,
      long timeoutMillis, Map<String, String> metadata) {
    return grpc.request(address, method).compose(req -> {
      metadata.forEach((k, v) -> req.headers().set(k, v));
      if (timeoutMillis > 0) {
        req.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
      }
      return req.end(request)
          .compose(v -> req.response())
          .compose(resp -> resp.last().recover(err -> {
            GrpcStatus status = resp.status();
            return Future.failedFuture(status != null && status != GrpcStatus.OK
                ? new GatewayClient.CallFailed(status, resp.statusMessage()) : err);
          }));
    });
  }

  @Override
  public void close() {
    grpc.close();
  }
}
