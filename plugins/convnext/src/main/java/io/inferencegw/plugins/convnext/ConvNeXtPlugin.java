package io.inferencegw.plugins.convnext;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link ConvNeXtFamily} extension. */
public class ConvNeXtPlugin extends Plugin {

  public ConvNeXtPlugin() {
    super();
  }
}
