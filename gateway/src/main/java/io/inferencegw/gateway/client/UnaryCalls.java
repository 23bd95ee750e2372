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

/** Unary gRPC calls to the gateway, as the clients of this package make them. */
final class UnaryCalls {

  private UnaryCalls() {}

  /** A gRPC client over HTTP/2 cleartext with prior knowledge, for messages up to 64 MiB. */
  static GrpcClient client(Vertx vertx) {
    return GrpcClient.client(vertx,
        new GrpcClientOptions().setMaxMessageSize(64L * 1024 * 1024),
        new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
  }

  /**
   * One call with a gRPC deadline of {@code timeoutMillis} (0: none). A call answered with an
   * error status fails with {@link GatewayClient.CallFailed}, which carries the status and the
   * server's message.
   */
  static <Req, Resp> Future<Resp> call(GrpcClient grpc, SocketAddress address,
      ServiceMethod<Resp, Req> method, Req request, long timeoutMillis) {
    return call(grpc, address, method, request, timeoutMillis, Map.of());
  }

  /** As above, sending {@code metadata} (such as {@code authorization}) with the call. */
  static <Req, Resp> Future<Resp> call(GrpcClient grpc, SocketAddress address,
      ServiceMethod<Resp, Req> method, Req request, long timeoutMillis,
      Map<String, String> metadata) {
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
}
