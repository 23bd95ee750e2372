package io.inferencegw.plugins.dpn;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link DpnFamily} extension. */
public class DpnPlugin extends Plugin {

  public DpnPlugin() {
    super();
  }
}
