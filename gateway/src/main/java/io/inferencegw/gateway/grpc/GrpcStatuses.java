package io.inferencegw.gateway.grpc;

import io.inferencegw.gateway.core.ErrorCode;
import io.vertx.grpc.common.GrpcStatus;

/** The gRPC status each error of the gateway is answered with: the same names. */
public final class GrpcStatuses {

  private GrpcStatuses() {}

  public static GrpcStatus of(ErrorCode code) {
    return switch (code) {
      case INVALID_ARGUMENT -> GrpcStatus.INVALID_ARGUMENT;
      case NOT_FOUND -> GrpcStatus.NOT_FOUND;
      case RESOURCE_EXHAUSTED -> GrpcStatus.RESOURCE_EXHAUSTED;
      case DEADLINE_EXCEEDED -> GrpcStatus.DEADLINE_EXCEEDED;
      case CANCELLED -> GrpcStatus.CANCELLED;
      case UNAVAILABLE -> GrpcStatus.UNAVAILABLE;
      case INTERNAL -> GrpcStatus.INTERNAL;
    };
  }
}
