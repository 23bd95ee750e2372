package io.inferencegw.gateway.observability;

import io.inferencegw.gateway.grpc.HealthEndpoint;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;
import java.util.concurrent.TimeUnit;

/** {@code grpc.health.v1.Health/Check} as a kubelet gRPC probe or any health client calls it. */
public final class GrpcHealthCheck {

  private GrpcHealthCheck() {}

  /** The status Check answers for a service, or the call's error status, as a string. */
  public static String check(GrpcClient grpc, int port, String service) throws Exception {
    GrpcClientRequest<HealthCheckRequest, HealthCheckResponse> call =
        grpc.request(SocketAddress.inetSocketAddress(port, "127.0.0.1"),
            HealthEndpoint.CHECK_CLIENT).await(10, TimeUnit.SECONDS);
    call.end(HealthCheckRequest.newBuilder().setService(service).build());
    GrpcClientResponse<HealthCheckRequest, HealthCheckResponse> resp =
        call.response().await(10, TimeUnit.SECONDS);
    HealthCheckResponse body = resp.last().otherwiseEmpty().await(10, TimeUnit.SECONDS);
    return body != null ? body.getStatus().name() : resp.status().name();
  }
}
