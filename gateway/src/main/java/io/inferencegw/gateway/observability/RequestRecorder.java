package io.inferencegw.gateway.observability;

/**
 * Where every front end reports each answered request, with one call: it is counted and timed
 * in the metrics and, when enabled, written to the access log.
 */
public final class RequestRecorder {

  private final GatewayMetrics metrics;
  private final AccessLog accessLog;

  /** @param accessLog null when there is no access log */
  public RequestRecorder(GatewayMetrics metrics, AccessLog accessLog) {
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  /** Cheap and non-blocking: meant for event loops. */
  public void record(CompletedRequest request) {
    metrics.request(request);
    if (accessLog != null) {
      accessLog.write(request);
    }
  }
}
