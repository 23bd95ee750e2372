package io.inferencegw.plugins.mnasnet;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link MnasnetFamily} extension. */
public class MnasnetPlugin extends Plugin {

  public MnasnetPlugin() {
    super();
  }
}
