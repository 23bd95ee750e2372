package io.inferencegw.plugins.inception.v3;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's {@code InceptionC} (Mixed_6b-6e, 17x17; the paper's figure 6 with n = 7): 1x1
 * (192); 1x1 ({@code c7}), 1x7, 7x1 (192); 1x1 ({@code c7}), 7x1, 1x7, 7x1, 1x7 (192); 3x3
 * average pool then 1x1 (192). Output 768 channels at the input's size.
 */
public final class InceptionC extends Module implements Layer {

  public static final int OUT_CHANNELS = 768;

  private final BasicConv2d branch1x1;
  private final BasicConv2d branch7x7_1;
  private final BasicConv2d branch7x7_2;
  private final BasicConv2d branch7x7_3;
  private final BasicConv2d branch7x7dbl_1;
  private final BasicConv2d branch7x7dbl_2;
  private final BasicConv2d branch7x7dbl_3;
  private final BasicConv2d branch7x7dbl_4;
  private final BasicConv2d branch7x7dbl_5;
  private final BasicConv2d branchPool;

  public InceptionC(int in, int c7) {
    super();
    branch1x1 = register_module("branch1x1", new BasicConv2d(in, 192, 1));
    branch7x7_1 = register_module("branch7x7_1", new BasicConv2d(in, c7, 1));
    branch7x7_2 = register_module("branch7x7_2", new BasicConv2d(c7, c7, 1, 7, 1, 0, 3));
    branch7x7_3 = register_module("branch7x7_3", new BasicConv2d(c7, 192, 7, 1, 1, 3, 0));
    branch7x7dbl_1 = register_module("branch7x7dbl_1", new BasicConv2d(in, c7, 1));
    branch7x7dbl_2 = register_module("branch7x7dbl_2", new BasicConv2d(c7, c7, 7, 1, 1, 3, 0));
    branch7x7dbl_3 = register_module("branch7x7dbl_3", new BasicConv2d(c7, c7, 1, 7, 1, 0, 3));
    branch7x7dbl_4 = register_module("branch7x7dbl_4", new BasicConv2d(c7, c7, 7, 1, 1, 3, 0));
    branch7x7dbl_5 = register_module("branch7x7dbl_5", new BasicConv2d(c7, 192, 1, 7, 1, 0, 3));
    branchPool = register_module("branch_pool", new BasicConv2d(in, 192, 1));
  }

  @Override
  public Tensor forward(Tensor x) {
    return Concat.channels(
        branch1x1.forward(x),
        Layers.chain(x, branch7x7_1, branch7x7_2, branch7x7_3),
        Layers.chain(x, branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4,
            branch7x7dbl_5),
        Layers.chain(x, InceptionA.AVG_POOL, branchPool));
  }
}
