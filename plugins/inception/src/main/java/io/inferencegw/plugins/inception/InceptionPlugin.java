package io.inferencegw.plugins.inception;

import org.pf4j.Plugin;

/** PF4J entry point of the plugin; the work is done by the {@link InceptionFamily} extension. */
public class InceptionPlugin extends Plugin {

  public InceptionPlugin() {
    super();
  }
}
