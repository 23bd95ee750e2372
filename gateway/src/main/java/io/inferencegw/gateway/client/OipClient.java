package io.inferencegw.gateway.client;

import io.inferencegw.proto.oip.GRPCInferenceServiceGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC client of the gateway's Open Inference Protocol service
 * ({@code inference.GRPCInferenceService}), for the load generator and the tests: any method,
 * with a per-call deadline; an error status fails the call with {@link GatewayClient.CallFailed}.
 */
public final class OipClient implements AutoCloseable {

  private final GrpcClient grpc;
  private final SocketAddress address;

  public OipClient(Vertx vertx, String host, int port) {
    this.grpc = GrpcClient.client(vertx,
        new GrpcClientOptions().setMaxMessageSize(64L * 1024 * 1024),
        new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false));
    this.address = SocketAddress.inetSocketAddress(port, host);
  }

  /**
   * @param method one of {@link GRPCInferenceServiceGrpcClient}'s methods
   * @param timeoutMillis the call's gRPC deadline, 0 for none
   */
  public <Req, Resp> Future<Resp> call(
      ServiceMethod<Resp, Req> method, Req request, long timeoutMillis) {
    return grpc.request(address, method).compose(req -> {
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
