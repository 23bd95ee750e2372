package io.inferencegw.plugins.lenet;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link LenetFamily} extension. */
public class LenetPlugin extends Plugin {

  public LenetPlugin() {
    super();
  }
}
