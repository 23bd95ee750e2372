package io.inferencegw.plugins.densenet;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link DensenetFamily} extension. */
public class DensenetPlugin extends Plugin {

  public DensenetPlugin() {
    super();
  }
}
