package io.inferencegw.gateway.grpc.ingress;

import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code grpc-timeout} request header, parsed as the gRPC over HTTP/2 protocol defines it:
 * 1 to 8 ASCII digits and a unit, H M S m u or n. Kept in nanoseconds so that {@code 500u} is
 * half a millisecond, not "no deadline" (vertx-grpc's own parser truncates to milliseconds).
 */
final class GrpcTimeout {

  static final String HEADER = "grpc-timeout";

  private static final Pattern FORMAT = Pattern.compile("([0-9]{1,8})([HMSmun])");

  private GrpcTimeout() {}

  /**
   * @return the timeout in nanoseconds (saturating at {@link Long#MAX_VALUE}), or empty when the
   *     call has no timeout
   * @throws StatusException INTERNAL for a malformed header, as grpc-go answers
   */
  static OptionalLong nanos(String header) {
    if (header == null) {
      return OptionalLong.empty();
    }
    Matcher m = FORMAT.matcher(header);
    if (!m.matches()) {
      throw new StatusException(GrpcStatus.INTERNAL, "malformed grpc-timeout header '" + header
          + "': expected 1 to 8 digits and a unit H, M, S, m, u or n");
    }
    return OptionalLong.of(unit(m.group(2).charAt(0)).toNanos(Long.parseLong(m.group(1))));
  }

  private static TimeUnit unit(char c) {
    return switch (c) {
      case 'H' -> TimeUnit.HOURS;
      case 'M' -> TimeUnit.MINUTES;
      case 'S' -> TimeUnit.SECONDS;
      case 'm' -> TimeUnit.MILLISECONDS;
      case 'u' -> TimeUnit.MICROSECONDS;
      default -> TimeUnit.NANOSECONDS;
    };
  }
}
