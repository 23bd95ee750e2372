package io.inferencegw.plugins.googlenet;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link GooglenetFamily} extension. */
public class GooglenetPlugin extends Plugin {

  public GooglenetPlugin() {
    super();
  }
}
