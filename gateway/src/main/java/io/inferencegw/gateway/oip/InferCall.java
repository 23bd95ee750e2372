package io.inferencegw.gateway.oip;

import java.util.List;

/**
 * An inference request of the Open Inference Protocol, whichever transport it came by.
 *
 * @param version empty for the current version
 * @param id echoed in the answer
 * @param outputs empty for every output of the model, as tensors
 * @param timeoutMicros the request's {@code timeout} parameter (Triton's, in microseconds): how
 *     long it may wait in the queue; 0 for none
 */
record InferCall(String model, String version, String id, List<InputTensor> inputs,
    List<RequestedOutput> outputs, long timeoutMicros) {

  /** The request parameter Triton's clients send a queueing timeout in, in microseconds. */
  static final String TIMEOUT = "timeout";

  static long checkedTimeout(long micros) {
    if (micros < 0) {
      throw io.inferencegw.gateway.core.GatewayException.invalid(
          "parameter timeout must be a non-negative number of microseconds, got " + micros);
    }
    return micros;
  }

  /**
   * The time the request may take, in nanoseconds, 0 for none: the shorter of the transport's
   * deadline and the {@code timeout} parameter.
   *
   * @param transportMillis the transport's deadline (gRPC's grpc-timeout), 0 for none
   */
  long timeoutNanos(long transportMillis) {
    long fromTransport = transportMillis > 0 ? transportMillis * 1_000_000L : Long.MAX_VALUE;
    long fromParameter = timeoutMicros > 0 && timeoutMicros < Long.MAX_VALUE / 1000
        ? timeoutMicros * 1000 : Long.MAX_VALUE;
    long shorter = Math.min(fromTransport, fromParameter);
    return shorter == Long.MAX_VALUE ? 0 : shorter;
  }
}
