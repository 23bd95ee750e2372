package io.inferencegw.plugins.inception.v4;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code InceptionA} of Inception v4 (figure 4, the 35x35 grid): {@code branch0} 1x1
 * (96); {@code branch1} 1x1 (64), 3x3 (96); {@code branch2} 1x1 (64), 3x3 (96), 3x3 (96);
 * {@code branch3} 3x3 average pool (padding not counted), 1x1 (96). 384 channels in and out.
 */
public final class InceptionA extends Module implements Layer {

  public static final int CHANNELS = 384;

  private final BasicConv2d branch0;
  private final Sequential branch1;
  private final Sequential branch2;
  private final Sequential branch3;

  public InceptionA() {
    super();
    branch0 = register_module("branch0", new BasicConv2d(CHANNELS, 96, 1));
    branch1 = register_module("branch1", new Sequential()
        .add(new BasicConv2d(CHANNELS, 64, 1))
        .add(new BasicConv2d(64, 96, 3, 1, 1)));
    branch2 = register_module("branch2", new Sequential()
        .add(new BasicConv2d(CHANNELS, 64, 1))
        .add(new BasicConv2d(64, 96, 3, 1, 1))
        .add(new BasicConv2d(96, 96, 3, 1, 1)));
    branch3 = register_module("branch3", new Sequential()
        .add(TimmPools.AVG_3X3)
        .add(new BasicConv2d(CHANNELS, 96, 1)));
  }

  @Override
  public Tensor forward(Tensor x) {
    return Concat.channels(
        branch0.forward(x), branch1.forward(x), branch2.forward(x), branch3.forward(x));
  }
}
