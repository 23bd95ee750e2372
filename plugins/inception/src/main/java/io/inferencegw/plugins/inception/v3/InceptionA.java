package io.inferencegw.plugins.inception.v3;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's {@code InceptionA} (Mixed_5b-5d, 35x35): 1x1 (64); 1x1 (48) then 5x5 (64);
 * 1x1 (64) then two 3x3 (96); 3x3 average pool then 1x1 ({@code poolFeatures}). The paper's
 * figure 5 with the 5x5 kept as in the TensorFlow release. Output {@code 224 + poolFeatures}
 * channels at the input's size.
 */
public final class InceptionA extends Module implements Layer {

  /** {@code F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)}: padding counted. */
  static final Functional AVG_POOL = Layers.avgPool2d(3, 1, 1, true);

  private final BasicConv2d branch1x1;
  private final BasicConv2d branch5x5_1;
  private final BasicConv2d branch5x5_2;
  private final BasicConv2d branch3x3dbl_1;
  private final BasicConv2d branch3x3dbl_2;
  private final BasicConv2d branch3x3dbl_3;
  private final BasicConv2d branchPool;

  public InceptionA(int in, int poolFeatures) {
    super();
    branch1x1 = register_module("branch1x1", new BasicConv2d(in, 64, 1));
    branch5x5_1 = register_module("branch5x5_1", new BasicConv2d(in, 48, 1));
    branch5x5_2 = register_module("branch5x5_2", new BasicConv2d(48, 64, 5, 1, 2));
    branch3x3dbl_1 = register_module("branch3x3dbl_1", new BasicConv2d(in, 64, 1));
    branch3x3dbl_2 = register_module("branch3x3dbl_2", new BasicConv2d(64, 96, 3, 1, 1));
    branch3x3dbl_3 = register_module("branch3x3dbl_3", new BasicConv2d(96, 96, 3, 1, 1));
    branchPool = register_module("branch_pool", new BasicConv2d(in, poolFeatures, 1));
  }

  public static int outChannels(int poolFeatures) {
    return 64 + 64 + 96 + poolFeatures;
  }

  @Override
  public Tensor forward(Tensor x) {
    return Concat.channels(
        branch1x1.forward(x),
        Layers.chain(x, branch5x5_1, branch5x5_2),
        Layers.chain(x, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3),
        Layers.chain(x, AVG_POOL, branchPool));
  }
}
