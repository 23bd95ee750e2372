package io.inferencegw.plugins.inception.v4;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code ReductionA} (figure 7, 35x35 to 17x17, with table 1's Inception-v4 filter
 * counts k=192, l=224, m=256, n=384): {@code branch0} 3x3 stride 2 (n=384); {@code branch1}
 * 1x1 (k=192), 3x3 (l=224), 3x3 stride 2 (m=256); {@code branch2} 3x3 stride-2 max pool.
 * 384 channels in, 384 + 256 + 384 = 1024 out.
 */
public final class ReductionA extends Module implements Layer {

  public static final int OUT_CHANNELS = 384 + 256 + InceptionA.CHANNELS;

  private final BasicConv2d branch0;
  private final Sequential branch1;

  public ReductionA() {
    super();
    branch0 = register_module("branch0", new BasicConv2d(InceptionA.CHANNELS, 384, 3, 2, 0));
    branch1 = register_module("branch1", new Sequential()
        .add(new BasicConv2d(InceptionA.CHANNELS, 192, 1))
        .add(new BasicConv2d(192, 224, 3, 1, 1))
        .add(new BasicConv2d(224, 256, 3, 2, 0)));
  }

  @Override
  public Tensor forward(Tensor x) {
    return Concat.channels(
        branch0.forward(x), branch1.forward(x), TimmPools.MAX_3X3_S2.forward(x));
  }
}
