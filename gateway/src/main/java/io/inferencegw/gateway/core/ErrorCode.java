package io.inferencegw.gateway.core;

import io.vertx.grpc.common.GrpcStatus;

/**
 * Why a request did not get a result: one place for the mapping of DESIGN.md's error table to
 * gRPC statuses and HTTP codes, so every front end answers the same situation the same way.
 */
public enum ErrorCode {
  INVALID_ARGUMENT(GrpcStatus.INVALID_ARGUMENT, 400),
  NOT_FOUND(GrpcStatus.NOT_FOUND, 404),
  RESOURCE_EXHAUSTED(GrpcStatus.RESOURCE_EXHAUSTED, 429),
  DEADLINE_EXCEEDED(GrpcStatus.DEADLINE_EXCEEDED, 504),
  CANCELLED(GrpcStatus.CANCELLED, 499),
  UNAVAILABLE(GrpcStatus.UNAVAILABLE, 503),
  INTERNAL(GrpcStatus.INTERNAL, 500);

  private final GrpcStatus grpcStatus;
  private final int httpStatus;

  ErrorCode(GrpcStatus grpcStatus, int httpStatus) {
    this.grpcStatus = grpcStatus;
    this.httpStatus = httpStatus;
  }

  public GrpcStatus grpcStatus() {
    return grpcStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The name in lower case, as metrics and logs show it ({@code not_found}). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
