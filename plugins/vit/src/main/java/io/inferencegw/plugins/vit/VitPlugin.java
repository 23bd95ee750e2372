package io.inferencegw.plugins.vit;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link VitFamily} extension. */
public class VitPlugin extends Plugin {

  public VitPlugin() {
    super();
  }
}
