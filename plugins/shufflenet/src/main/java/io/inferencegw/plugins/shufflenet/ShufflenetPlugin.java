package io.inferencegw.plugins.shufflenet;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link ShufflenetFamily} extension. */
public class ShufflenetPlugin extends Plugin {

  public ShufflenetPlugin() {
    super();
  }
}
