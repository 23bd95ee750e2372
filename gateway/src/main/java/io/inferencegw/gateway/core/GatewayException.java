package io.inferencegw.gateway.core;

/**
 * A request failed for a reason the client should see. The message is sent to the client as
 * is, so it names the problem (and the model, for failures inside a network) without leaking
 * internals such as stack traces.
 */
public class GatewayException extends RuntimeException {

  private final ErrorCode code;

  public GatewayException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public GatewayException(ErrorCode code, String message, Throwable cause) {
    super(message, cause, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
