package io.inferencegw.plugins.regnet;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link RegnetFamily} extension. */
public class RegnetPlugin extends Plugin {

  public RegnetPlugin() {
    super();
  }
}
