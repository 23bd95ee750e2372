package io.inferencegw.gateway.client;

import io.inferencegw.proto.oip.GRPCInferenceServiceGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.ServiceMethod;

/**
 * A gRPC client of the gateway's Open Inference Protocol service
 * ({@code inference.GRPCInferenceService}), for the load generator and the tests: any method,
 * with a per-call deadline; an error status fails the call with {@link GatewayClient.CallFailed}.
 */
public final class OipClient implements AutoCloseable {

  private final GrpcClient grpc;
  private final SocketAddress address;

  public OipClient(Vertx vertx, String host, int port) {
    this.grpc = UnaryCalls.client(vertx);
    this.address = SocketAddress.inetSocketAddress(port, host);
  }

  /**
   * @param method one of {@link GRPCInferenceServiceGrpcClient}'s methods
   * @param timeoutMillis the call's gRPC deadline, 0 for none
   */
  public <Req, Resp> Future<Resp> call(
      ServiceMethod<Resp, Req> method, Req request, long timeoutMillis) {
    return UnaryCalls.call(grpc, address, method, request, timeoutMillis);
  }

  /** As above, sending {@code metadata} (such as {@code authorization}) with the call. */
  public <Req, Resp> Future<Resp> call(ServiceMethod<Resp, Req> method, Req request,
      long timeoutMillis, java.util.Map<String, String> metadata) {
    return UnaryCalls.call(grpc, address, method, request, timeoutMillis, metadata);
  }

  @Override
  public void close() {
    grpc.close();
  }
}
