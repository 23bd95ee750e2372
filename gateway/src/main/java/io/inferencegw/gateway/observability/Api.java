package io.inferencegw.gateway.observability;

/** The front end a request came through: the {@code api} label of request metrics. */
public enum Api {
  /** gRPC {@code gateway.v1.Classifier/Classify}. */
  CLASSIFY("classify"),
  /** Open Inference Protocol over gRPC. */
  OIP_GRPC("oip_grpc"),
  /** Open Inference Protocol over REST. */
  OIP_REST("oip_rest"),
  /** A frame of a WebSocket frame stream. */
  STREAM("stream");

  private final String label;

  Api(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
