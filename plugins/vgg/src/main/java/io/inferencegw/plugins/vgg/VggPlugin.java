package io.inferencegw.plugins.vgg;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link VggFamily} extension. */
public class VggPlugin extends Plugin {

  public VggPlugin() {
    super();
  }
}
