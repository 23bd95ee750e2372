package io.inferencegw.plugins.inception.resnetv2;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;

/**
 * timm's {@code Block8}, Inception-ResNet-C (figure 19, the 8x8 grid): {@code branch0} 1x1
 * (192); {@code branch1} 1x1 (192), 1x3 (224), 3x1 (256); concatenated (448), {@code conv2d}
 * 1x1 back to 2080, scaled, added to the input, then a ReLU unless {@code noRelu} (the last
 * block, {@code block8}, has none). 2080 channels in and out.
 */
public final class Block8 extends ScaledResidualBlock {

  public static final int CHANNELS = Mixed7a.OUT_CHANNELS;

  public Block8(double scale, boolean noRelu) {
    super(scale, !noRelu);
    branch("branch0", new BasicConv2d(CHANNELS, 192, 1));
    branch("branch1", Sequential.of(new BasicConv2d(CHANNELS, 192, 1), same(192, 224, 1, 3),
        same(224, 256, 3, 1)));
    projection(192 + 256, CHANNELS);
  }
}
