package io.inferencegw.plugins.inception.resnetv2;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;

/**
 * timm's {@code Block17}, Inception-ResNet-B (figure 17, the 17x17 grid): {@code branch0} 1x1
 * (192); {@code branch1} 1x1 (128), 1x7 (160), 7x1 (192); concatenated (384), {@code conv2d}
 * 1x1 back to 1088, scaled, added to the input, ReLU. 1088 channels in and out.
 */
public final class Block17 extends ScaledResidualBlock {

  public static final int CHANNELS = Mixed6a.OUT_CHANNELS;

  public Block17(double scale) {
    super(scale, true);
    branch("branch0", new BasicConv2d(CHANNELS, 192, 1));
    branch("branch1", Sequential.of(new BasicConv2d(CHANNELS, 128, 1), same(128, 160, 1, 7),
        same(160, 192, 7, 1)));
    projection(192 + 192, CHANNELS);
  }
}
