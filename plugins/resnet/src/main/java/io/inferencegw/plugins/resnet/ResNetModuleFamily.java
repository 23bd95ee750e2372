package io.inferencegw.plugins.resnet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import java.util.List;

/**
 * A family of torchvision's {@code resnet.py}: ResNet, ResNeXt and Wide ResNet are the same
 * {@link ResNet} with other blocks, groups and widths, so they differ only in name and rows.
 */
abstract class ResNetModuleFamily extends ConfiguredFamily<ResNetVariant> {

  static final int NUM_CLASSES = 1000;

  ResNetModuleFamily(String name, List<ResNetVariant> variants) {
    super(name, NUM_CLASSES, variants);
  }

  @Override
  protected final ClassifierModule build(ResNetVariant variant) {
    return variant.network().build(NUM_CLASSES);
  }
}
