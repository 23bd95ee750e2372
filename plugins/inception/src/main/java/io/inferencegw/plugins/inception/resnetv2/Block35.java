package io.inferencegw.plugins.inception.resnetv2;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code Block35}, Inception-ResNet-A (figure 16, the 35x35 grid): {@code branch0} 1x1
 * (32); {@code branch1} 1x1 (32), 3x3 (32); {@code branch2} 1x1 (32), 3x3 (48), 3x3 (64);
 * concatenated (128), {@code conv2d} 1x1 back to 320, scaled, added to the input, ReLU.
 * 320 channels in and out.
 */
public final class Block35 extends ScaledResidualBlock {

  public static final int CHANNELS = 320;

  private final BasicConv2d branch0;
  private final Sequential branch1;
  private final Sequential branch2;

  public Block35(double scale) {
    super(scale, true);
    branch0 = register_module("branch0", new BasicConv2d(CHANNELS, 32, 1));
    branch1 = register_module("branch1", new Sequential()
        .add(new BasicConv2d(CHANNELS, 32, 1))
        .add(new BasicConv2d(32, 32, 3, 1, 1)));
    branch2 = register_module("branch2", new Sequential()
        .add(new BasicConv2d(CHANNELS, 32, 1))
        .add(new BasicConv2d(32, 48, 3, 1, 1))
        .add(new BasicConv2d(48, 64, 3, 1, 1)));
    projection(32 + 32 + 64, CHANNELS);
  }

  @Override
  public Tensor branches(Tensor x) {
    return Concat.channels(branch0.forward(x), branch1.forward(x), branch2.forward(x));
  }
}
