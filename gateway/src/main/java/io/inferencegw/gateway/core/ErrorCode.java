package io.inferencegw.gateway.core;

/**
 * Why a request did not get a result, in the gateway's own terms (DESIGN.md's error table).
 * Each front end maps these to its protocol: gRPC statuses in
 * {@code grpc.GrpcStatuses}, HTTP statuses (OIP REST, WebSocket handshakes) in
 * {@code http.HttpStatuses}; stream replies carry the name.
 */
public enum ErrorCode {
  /** The request itself is wrong: malformed, too large, of the wrong shape or values. */
  INVALID_ARGUMENT,
  /** No served model (or version) by that name. */
  NOT_FOUND,
  /** The model's queue, or the gateway's input memory, is full: retry later. */
  RESOURCE_EXHAUSTED,
  /** The request's deadline passed before it was computed. */
  DEADLINE_EXCEEDED,
  /** The client went away, or a newer stream frame took this one's place. */
  CANCELLED,
  /** The model is loading, draining or unloaded, or the gateway is shutting down. */
  UNAVAILABLE,
  /** The gateway failed; the request may be fine. */
  INTERNAL;

  /** The name in lower case, as metrics and logs show it ({@code not_found}). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
