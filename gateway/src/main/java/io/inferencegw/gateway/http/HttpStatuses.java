package io.inferencegw.gateway.http;

import io.inferencegw.gateway.core.ErrorCode;

/**
 * The HTTP status each error of the gateway is answered with, on every HTTP front end (OIP REST,
 * refused WebSocket handshakes). 499 is the conventional "client closed request".
 */
public final class HttpStatuses {

  private HttpStatuses() {}

  public static int of(ErrorCode code) {
    return switch (code) {
      case INVALID_ARGUMENT -> 400;
      case NOT_FOUND -> 404;
      case RESOURCE_EXHAUSTED -> 429;
      case DEADLINE_EXCEEDED -> 504;
      case CANCELLED -> 499;
      case UNAVAILABLE -> 503;
      case INTERNAL -> 500;
    };
  }
}
