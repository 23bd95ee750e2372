package io.inferencegw.plugins.wide_resnet;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link WideResnetFamily} extension. */
public class WideResnetPlugin extends Plugin {

  public WideResnetPlugin() {
    super();
  }
}
