package io.inferencegw.gateway.stream;

/** What a stream does with frames that arrive faster than its model answers them. */
public enum StreamPolicy {
  /**
   * Live video: at most one frame of the stream waits in the model queue; a newer frame
   * replaces it and the replaced one is answered {@code skipped}. Latency stays bounded
   * whatever rate the client sends at.
   */
  LATEST,
  /**
   * Recorded video, analytics: every frame is computed. When the stream has its maximum of
   * frames queued, the gateway stops reading the socket and TCP pushes back on the client.
   */
  ALL;

  /** The name used in the query string and in JSON. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
