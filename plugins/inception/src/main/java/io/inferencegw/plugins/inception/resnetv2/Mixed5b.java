package io.inferencegw.plugins.inception.resnetv2;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code Mixed_5b}, the end of the Inception-ResNet-v2 stem as in the TensorFlow-slim
 * release that timm's weights come from (an Inception-A-like block on 35x35x192):
 * {@code branch0} 1x1 (96); {@code branch1} 1x1 (48), 5x5 (64); {@code branch2} 1x1 (64), 3x3
 * (96), 3x3 (96); {@code branch3} 3x3 average pool (padding not counted), 1x1 (64). Output
 * 35x35x320.
 */
public final class Mixed5b extends Module implements Layer {

  public static final int OUT_CHANNELS = 96 + 64 + 96 + 64;

  private final BasicConv2d branch0;
  private final Sequential branch1;
  private final Sequential branch2;
  private final Sequential branch3;

  public Mixed5b() {
    super();
    branch0 = register_module("branch0", new BasicConv2d(192, 96, 1));
    branch1 = register_module("branch1", new Sequential()
        .add(new BasicConv2d(192, 48, 1))
        .add(new BasicConv2d(48, 64, 5, 1, 2)));
    branch2 = register_module("branch2", new Sequential()
        .add(new BasicConv2d(192, 64, 1))
        .add(new BasicConv2d(64, 96, 3, 1, 1))
        .add(new BasicConv2d(96, 96, 3, 1, 1)));
    branch3 = register_module("branch3", new Sequential()
        .add(TimmPools.AVG_3X3)
        .add(new BasicConv2d(192, 64, 1)));
  }

  @Override
  public Tensor forward(Tensor x) {
    return Concat.channels(
        branch0.forward(x), branch1.forward(x), branch2.forward(x), branch3.forward(x));
  }
}
