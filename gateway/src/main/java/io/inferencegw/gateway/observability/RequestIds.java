package io.inferencegw.gateway.observability;

import io.inferencegw.gateway.core.GatewayException;
import java.util.UUID;

/**
 * The id that ties a request to its answer, its access log line and the client's own logs: the
 * one the request carries (its message's {@code request_id}, else its {@code x-request-id}
 * header), or a new UUID. It is sent back in the answer and its {@code x-request-id} header.
 */
public final class RequestIds {

  /** The header (gRPC metadata) a request id travels in, both ways. */
  public static final String HEADER = "x-request-id";
  /** Longer than any UUID, trace id or ULID a client would use; keeps echoed headers small. */
  public static final int MAX_LENGTH = 128;

  private RequestIds() {}

  /**
   * @param fromMessage the id in the request message, or empty
   * @param fromHeader the {@code x-request-id} header, or null
   * @throws GatewayException INVALID_ARGUMENT for an id that is too long or is not visible
   *     ASCII (it goes into a header and a log line unchanged)
   */
  public static String resolve(String fromMessage, String fromHeader) {
    String given = fromMessage != null && !fromMessage.isEmpty() ? fromMessage : fromHeader;
    if (given == null || given.isEmpty()) {
      return generate();
    }
    if (given.length() > MAX_LENGTH || !given.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw GatewayException.invalid("request id must be 1 to " + MAX_LENGTH
          + " visible ASCII characters (no spaces), got " + given.length() + " characters");
    }
    return given;
  }

  public static String generate() {
    return UUID.randomUUID().toString();
  }
}
