package io.inferencegw.plugins.squeezenet;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link SqueezenetFamily} extension. */
public class SqueezenetPlugin extends Plugin {

  public SqueezenetPlugin() {
    super();
  }
}
