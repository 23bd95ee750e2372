package io.inferencegw.gateway.registry;

import io.inferencegw.gateway.config.ConfigException;
import io.inferencegw.plugin.api.weights.WeightLoadException;
import java.io.IOException;

/**
 * Why a model version could not be loaded, sorted by whose problem it is: the request (an
 * unknown variant), the files it names (weights that do not fit the network, are not
 * safetensors, hold NaN; labels of the wrong count), or the gateway itself (LibTorch failing to
 * build or run the network). Callers answer the first two as the client's error and only the
 * last as an internal one.
 */
public final class ModelLoadException extends RuntimeException {

  /** Whose problem a failed load is. */
  public enum Kind {
    /** The model entry asks for something that does not exist or cannot be combined. */
    INVALID_REQUEST,
    /** A weights or labels file is unreadable, malformed or does not fit the network. */
    INVALID_FILE,
    /** The gateway failed; the entry and its files may be fine. */
    INTERNAL
  }

  private final Kind kind;

  public ModelLoadException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ModelLoadException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** The kind of any failure met while loading: files and config are the caller's, rest ours. */
  static Kind kindOf(Throwable error) {
    if (error instanceof ModelLoadException e) {
      return e.kind();
    }
    if (error instanceof WeightLoadException || error instanceof IOException) {
      return Kind.INVALID_FILE;
    }
    if (error instanceof ConfigException) {
      return Kind.INVALID_REQUEST;
    }
    return Kind.INTERNAL;
  }
}
