package io.inferencegw.plugins.resnet;

import org.pf4j.Plugin;

/**
 * PF4J entry point of the plugin. The work is done by its three extensions, one per family of
 * torchvision's {@code resnet} module: {@link ResnetFamily}, {@link ResnextFamily} and
 * {@link WideResnetFamily}.
 */
public class ResnetPlugin extends Plugin {

  public ResnetPlugin() {
    super();
  }
}
