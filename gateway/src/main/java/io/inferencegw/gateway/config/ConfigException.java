package io.inferencegw.gateway.config;

/** A configuration the gateway cannot start with; the message names the key or file. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
