package io.inferencegw.plugins.inception.v4;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code InceptionB} of Inception v4 (figure 5, the 17x17 grid): {@code branch0} 1x1
 * (384); {@code branch1} 1x1 (192), 1x7 (224), 7x1 (256); {@code branch2} 1x1 (192), 7x1
 * (192), 1x7 (224), 7x1 (224), 1x7 (256); {@code branch3} 3x3 average pool (padding not
 * counted), 1x1 (128). 1024 channels in and out.
 */
public final class InceptionB extends Module implements Layer {

  public static final int CHANNELS = 1024;

  private final BasicConv2d branch0;
  private final Sequential branch1;
  private final Sequential branch2;
  private final Sequential branch3;

  public InceptionB() {
    super();
    branch0 = register_module("branch0", new BasicConv2d(CHANNELS, 384, 1));
    branch1 = register_module("branch1", new Sequential()
        .add(new BasicConv2d(CHANNELS, 192, 1))
        .add(new BasicConv2d(192, 224, 1, 7, 1, 0, 3))
        .add(new BasicConv2d(224, 256, 7, 1, 1, 3, 0)));
    branch2 = register_module("branch2", new Sequential()
        .add(new BasicConv2d(CHANNELS, 192, 1))
        .add(new BasicConv2d(192, 192, 7, 1, 1, 3, 0))
        .add(new BasicConv2d(192, 224, 1, 7, 1, 0, 3))
        .add(new BasicConv2d(224, 224, 7, 1, 1, 3, 0))
        .add(new BasicConv2d(224, 256, 1, 7, 1, 0, 3)));
    branch3 = register_module("branch3", new Sequential()
        .add(TimmPools.AVG_3X3)
        .add(new BasicConv2d(CHANNELS, 128, 1)));
  }

  @Override
  public Tensor forward(Tensor x) {
    return Concat.channels(
        branch0.forward(x), branch1.forward(x), branch2.forward(x), branch3.forward(x));
  }
}
