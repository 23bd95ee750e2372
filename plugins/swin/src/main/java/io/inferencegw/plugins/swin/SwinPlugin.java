package io.inferencegw.plugins.swin;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link SwinFamily} extension. */
public class SwinPlugin extends Plugin {

  public SwinPlugin() {
    super();
  }
}
