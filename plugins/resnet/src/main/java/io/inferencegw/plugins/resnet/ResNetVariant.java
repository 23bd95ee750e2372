package io.inferencegw.plugins.resnet;

import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;

/**
 * One variant of torchvision's {@code resnet.py}: its network and the shorter side its default
 * weights resize to (bilinear, center crop 224, ImageNet mean and std, as all of them).
 */
record ResNetVariant(String name, ResNet.Config network, int resize)
    implements ConfiguredFamily.Variant {

  static final int SIZE = 224;

  @Override
  public PreprocessSpec preprocess() {
    return PreprocessSpec.imagenet(resize, SIZE, Interpolation.BILINEAR);
  }
}
