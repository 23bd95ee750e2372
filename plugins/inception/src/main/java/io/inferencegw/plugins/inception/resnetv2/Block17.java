package io.inferencegw.plugins.inception.resnetv2;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code Block17}, Inception-ResNet-B (figure 17, the 17x17 grid): {@code branch0} 1x1
 * (192); {@code branch1} 1x1 (128), 1x7 (160), 7x1 (192); concatenated (384), {@code conv2d}
 * 1x1 back to 1088, scaled, added to the input, ReLU. 1088 channels in and out.
 */
public final class Block17 extends ScaledResidualBlock {

  public static final int CHANNELS = Mixed6a.OUT_CHANNELS;

  private final BasicConv2d branch0;
  private final Sequential branch1;

  public Block17(double scale) {
    super(scale, true);
    branch0 = register_module("branch0", new BasicConv2d(CHANNELS, 192, 1));
    branch1 = register_module("branch1", new Sequential()
        .add(new BasicConv2d(CHANNELS, 128, 1))
        .add(new BasicConv2d(128, 160, 1, 7, 1, 0, 3))
        .add(new BasicConv2d(160, 192, 7, 1, 1, 3, 0)));
    projection(192 + 192, CHANNELS);
  }

  @Override
  public Tensor branches(Tensor x) {
    return Concat.channels(branch0.forward(x), branch1.forward(x));
  }
}
