package io.inferencegw.plugins.efficientnet;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link EfficientnetFamily} extension. */
public class EfficientnetPlugin extends Plugin {

  public EfficientnetPlugin() {
    super();
  }
}
