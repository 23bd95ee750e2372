package io.inferencegw.plugins.resnet;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link ResnetFamily} extension. */
public class ResnetPlugin extends Plugin {

  public ResnetPlugin() {
    super();
  }
}
