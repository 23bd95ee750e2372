package io.inferencegw.gateway.client;

import io.inferencegw.proto.v1.ClassifierGrpcClient;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.inferencegw.proto.v1.ListModelsRequest;
import io.inferencegw.proto.v1.ListModelsResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;

/**
 * A gRPC client of the gateway's {@code Classifier} service, for the command-line tools and the
 * tests: the generated service methods, per-call deadlines and error statuses as
 * {@link CallFailed}.
 */
public final class GatewayClient extends UnaryClient {

  public GatewayClient(Vertx vertx, String host, int port) {
    super(vertx, host, port);
  }

  public Future<ClassifyResponse> classify(ClassifyRequest request) {
    return classify(request, 0);
  }

  /**
   * Classify with a gRPC deadline ({@code grpc-timeout}) of {@code timeoutMillis} (0: none). A
   * call answered with an error status fails with {@link CallFailed}, which carries the status
   * and the server's message.
   */
  public Future<ClassifyResponse> classify(ClassifyRequest request, long timeoutMillis) {
    return call(ClassifierGrpcClient.Classify, request, timeoutMillis);
  }

  /** A call the gateway answered with an error status. */
  public static final class CallFailed extends RuntimeException {
    private final GrpcStatus status;

    CallFailed(GrpcStatus status, String message) {
      // The status by name (NOT_FOUND), as gRPC tools print it, not by number.
      super(status.name() + ": " + (message == null ? "" : message), null, false, false);
      this.status = status;
    }

    public GrpcStatus status() {
      return status;
    }
  }

  /**
   * The served models and the catalog; a call answered with an error status fails with
   * {@link CallFailed}.
   */
  public Future<ListModelsResponse> listModels() {
    return call(ClassifierGrpcClient.ListModels, ListModelsRequest.getDefaultInstance(), 0);
  }
}
