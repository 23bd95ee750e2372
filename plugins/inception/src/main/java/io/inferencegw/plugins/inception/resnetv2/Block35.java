package io.inferencegw.plugins.inception.resnetv2;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;

/**
 * timm's {@code Block35}, Inception-ResNet-A (figure 16, the 35x35 grid): {@code branch0} 1x1
 * (32); {@code branch1} 1x1 (32), 3x3 (32); {@code branch2} 1x1 (32), 3x3 (48), 3x3 (64);
 * concatenated (128), {@code conv2d} 1x1 back to 320, scaled, added to the input, ReLU.
 * 320 channels in and out.
 */
public final class Block35 extends ScaledResidualBlock {

  public static final int CHANNELS = 320;

  public Block35(double scale) {
    super(scale, true);
    branch("branch0", new BasicConv2d(CHANNELS, 32, 1));
    branch("branch1", Sequential.of(new BasicConv2d(CHANNELS, 32, 1), same(32, 32, 3, 3)));
    branch("branch2", Sequential.of(new BasicConv2d(CHANNELS, 32, 1), same(32, 48, 3, 3),
        same(48, 64, 3, 3)));
    projection(32 + 32 + 64, CHANNELS);
  }
}
