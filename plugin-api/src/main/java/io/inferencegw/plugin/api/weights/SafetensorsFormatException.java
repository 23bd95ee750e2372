package io.inferencegw.plugin.api.weights;

import java.io.IOException;

/**
 * A safetensors file (or buffer) that does not follow the format.
 *
 * <p>It is an {@link IOException} because a malformed file is bad input of the same kind as an
 * unreadable one: callers that open weight files already handle {@code IOException}, and both
 * mean "this file cannot be served". The message always names the source, so that an operator
 * reading a log knows which of many weight files is broken.
 */
public class SafetensorsFormatException extends IOException {

  private final String source;

  public SafetensorsFormatException(String source, String problem) {
    super("invalid safetensors data in " + source + ": " + problem);
    this.source = source;
  }

  public SafetensorsFormatException(String source, String problem, Throwable cause) {
    super("invalid safetensors data in " + source + ": " + problem, cause);
    this.source = source;
  }

  /** The file path or the name given to an in-memory buffer. */
  public String source() {
    return source;
  }
}
