package io.inferencegw.plugins.resnext;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link ResnextFamily} extension. */
public class ResnextPlugin extends Plugin {

  public ResnextPlugin() {
    super();
  }
}
