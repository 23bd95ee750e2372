package io.inferencegw.plugins.mobilenet;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link MobilenetFamily} extension. */
public class MobilenetPlugin extends Plugin {

  public MobilenetPlugin() {
    super();
  }
}
