package io.inferencegw.plugins.inception.resnetv2;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code Mixed_6a}, Reduction-A of Inception-ResNet v2 (figure 7 with k=256, l=256,
 * m=384, n=384, table 1), 35x35 to 17x17: {@code branch0} 3x3 stride 2 (384); {@code branch1}
 * 1x1 (256), 3x3 (256), 3x3 stride 2 (384); {@code branch2} 3x3 stride-2 max pool. 320
 * channels in, 384 + 384 + 320 = 1088 out.
 */
public final class Mixed6a extends Module implements Layer {

  public static final int OUT_CHANNELS = 384 + 384 + Block35.CHANNELS;

  private final BasicConv2d branch0;
  private final Sequential branch1;

  public Mixed6a() {
    super();
    branch0 = register_module("branch0", new BasicConv2d(Block35.CHANNELS, 384, 3, 2, 0));
    branch1 = register_module("branch1", new Sequential()
        .add(new BasicConv2d(Block35.CHANNELS, 256, 1))
        .add(new BasicConv2d(256, 256, 3, 1, 1))
        .add(new BasicConv2d(256, 384, 3, 2, 0)));
  }

  @Override
  public Tensor forward(Tensor x) {
    return Concat.channels(
        branch0.forward(x), branch1.forward(x), TimmPools.MAX_3X3_S2.forward(x));
  }
}
