package io.inferencegw.gateway.registry;

/** A plugin JAR that cannot be used; the message says why, for logs and the management API. */
public class PluginLoadException extends Exception {
  public PluginLoadException(String message) {
    super(message);
  }

  public PluginLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
