package io.inferencegw.plugin.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this API. The gateway reports it to PF4J as the system version, and a plugin
 * whose {@code Plugin-Requires} range excludes it is refused with that reason.
 */
public final class PluginApi {

  /** Semantic version of {@link ModelFamily} and the types it uses (from the build). */
  public static final String VERSION = readVersion();

  private PluginApi() {}

  private static String readVersion() {
    try (InputStream in = PluginApi.class.getResourceAsStream("plugin-api.properties")) {
      if (in == null) {
        throw new IllegalStateException("plugin-api.properties is missing from plugin-api");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
