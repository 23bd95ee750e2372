package io.inferencegw.plugins.inception.v4;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code ReductionB} (figure 8, 17x17 to 8x8): {@code branch0} 1x1 (192), 3x3 stride 2
 * (192); {@code branch1} 1x1 (256), 1x7 (256), 7x1 (320), 3x3 stride 2 (320); {@code branch2}
 * 3x3 stride-2 max pool. 1024 channels in, 192 + 320 + 1024 = 1536 out.
 */
public final class ReductionB extends Module implements Layer {

  public static final int OUT_CHANNELS = 192 + 320 + InceptionB.CHANNELS;

  private final Sequential branch0;
  private final Sequential branch1;

  public ReductionB() {
    super();
    branch0 = register_module("branch0", new Sequential()
        .add(new BasicConv2d(InceptionB.CHANNELS, 192, 1))
        .add(new BasicConv2d(192, 192, 3, 2, 0)));
    branch1 = register_module("branch1", new Sequential()
        .add(new BasicConv2d(InceptionB.CHANNELS, 256, 1))
        .add(new BasicConv2d(256, 256, 1, 7, 1, 0, 3))
        .add(new BasicConv2d(256, 320, 7, 1, 1, 3, 0))
        .add(new BasicConv2d(320, 320, 3, 2, 0)));
  }

  @Override
  public Tensor forward(Tensor x) {
    return Concat.channels(
        branch0.forward(x), branch1.forward(x), TimmPools.MAX_3X3_S2.forward(x));
  }
}
