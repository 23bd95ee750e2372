package io.inferencegw.gateway.management;

import io.vertx.grpc.common.GrpcStatus;

/**
 * Why a model repository call was refused, and the answer each transport gives for it: the
 * management API's own statuses, which the inference error table does not cover (who may call,
 * and whose fault a failed load is).
 */
public final class RepositoryRefusal extends RuntimeException {

  /** The kinds of refusal, with their HTTP status and gRPC status. */
  public enum Kind {
    /** The request is malformed: unknown key or parameter, value out of range, bad name. */
    BAD_REQUEST(400, GrpcStatus.INVALID_ARGUMENT),
    /** A token is configured and the caller presented none. */
    UNAUTHENTICATED(401, GrpcStatus.UNAUTHENTICATED),
    /** A wrong token, an untrusted network, or a file outside the model repository. */
    FORBIDDEN(403, GrpcStatus.PERMISSION_DENIED),
    /** No such model, or no plugin provides the family asked for. */
    NOT_FOUND(404, GrpcStatus.NOT_FOUND),
    /** A body the API does not read (multipart uploads). */
    UNSUPPORTED_MEDIA_TYPE(415, GrpcStatus.INVALID_ARGUMENT),
    /** A file the request names cannot be served: not safetensors, wrong shapes, NaN... */
    INVALID_FILE(422, GrpcStatus.INVALID_ARGUMENT),
    /** The gateway failed; the request may be fine. */
    INTERNAL(500, GrpcStatus.INTERNAL);

    private final int httpStatus;
    private final GrpcStatus grpcStatus;

    Kind(int httpStatus, GrpcStatus grpcStatus) {
      this.httpStatus = httpStatus;
      this.grpcStatus = grpcStatus;
    }

    public int httpStatus() {
      return httpStatus;
    }

    public GrpcStatus grpcStatus() {
      return grpcStatus;
    }
  }

  private final Kind kind;

  public RepositoryRefusal(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  /** The refusal an action failed with, or INTERNAL (with its message) for any other error. */
  public static RepositoryRefusal of(Throwable error) {
    return error instanceof RepositoryRefusal r ? r
        : new RepositoryRefusal(Kind.INTERNAL, error.getMessage());
  }

  public Kind kind() {
    return kind;
  }
}
