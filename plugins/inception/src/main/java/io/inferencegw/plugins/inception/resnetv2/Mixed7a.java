package io.inferencegw.plugins.inception.resnetv2;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code Mixed_7a}, Reduction-B of Inception-ResNet v2 (figure 18), 17x17 to 8x8:
 * {@code branch0} 1x1 (256), 3x3 stride 2 (384); {@code branch1} 1x1 (256), 3x3 stride 2
 * (288); {@code branch2} 1x1 (256), 3x3 (288), 3x3 stride 2 (320); {@code branch3} 3x3
 * stride-2 max pool. 1088 channels in, 384 + 288 + 320 + 1088 = 2080 out.
 */
public final class Mixed7a extends Module implements Layer {

  public static final int OUT_CHANNELS = 384 + 288 + 320 + Block17.CHANNELS;

  private final Sequential branch0;
  private final Sequential branch1;
  private final Sequential branch2;

  public Mixed7a() {
    super();
    branch0 = register_module("branch0", new Sequential()
        .add(new BasicConv2d(Block17.CHANNELS, 256, 1))
        .add(new BasicConv2d(256, 384, 3, 2, 0)));
    branch1 = register_module("branch1", new Sequential()
        .add(new BasicConv2d(Block17.CHANNELS, 256, 1))
        .add(new BasicConv2d(256, 288, 3, 2, 0)));
    branch2 = register_module("branch2", new Sequential()
        .add(new BasicConv2d(Block17.CHANNELS, 256, 1))
        .add(new BasicConv2d(256, 288, 3, 1, 1))
        .add(new BasicConv2d(288, 320, 3, 2, 0)));
  }

  @Override
  public Tensor forward(Tensor x) {
    return Concat.channels(branch0.forward(x), branch1.forward(x), branch2.forward(x),
        TimmPools.MAX_3X3_S2.forward(x));
  }
}
