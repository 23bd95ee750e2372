package io.inferencegw.plugins.alexnet;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link AlexnetFamily} extension. */
public class AlexnetPlugin extends Plugin {

  public AlexnetPlugin() {
    super();
  }
}
