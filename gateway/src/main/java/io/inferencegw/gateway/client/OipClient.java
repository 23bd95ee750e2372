package io.inferencegw.gateway.client;

import io.inferencegw.proto.oip.GRPCInferenceServiceGrpcClient;
import io.vertx.core.Vertx;

/**
 * A gRPC client of the gateway's Open Inference Protocol service
 * ({@code inference.GRPCInferenceService}), for the load generator and the tests: any of
 * {@link GRPCInferenceServiceGrpcClient}'s methods through {@link #call}, with a per-call
 * deadline; an error status fails the call with {@link GatewayClient.CallFailed}.
 */
public final class OipClient extends UnaryClient {

  public OipClient(Vertx vertx, String host, int port) {
    super(vertx, host, port);
  }
}
