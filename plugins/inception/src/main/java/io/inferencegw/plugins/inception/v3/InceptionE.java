package io.inferencegw.plugins.inception.v3;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's {@code InceptionE} (Mixed_7b-7c, 8x8; the paper's figure 7, expanded filter
 * banks): 1x1 (320); 1x1 (384) then 1x3 and 3x1 side by side (384 each); 1x1 (448), 3x3 (384),
 * then 1x3 and 3x1 side by side (384 each); 3x3 average pool then 1x1 (192). Output 2048
 * channels at the input's size.
 */
public final class InceptionE extends Module implements Layer {

  public static final int OUT_CHANNELS = 2048;

  private final BasicConv2d branch1x1;
  private final BasicConv2d branch3x3_1;
  private final BasicConv2d branch3x3_2a;
  private final BasicConv2d branch3x3_2b;
  private final BasicConv2d branch3x3dbl_1;
  private final BasicConv2d branch3x3dbl_2;
  private final BasicConv2d branch3x3dbl_3a;
  private final BasicConv2d branch3x3dbl_3b;
  private final BasicConv2d branchPool;

  public InceptionE(int in) {
    super();
    branch1x1 = register_module("branch1x1", new BasicConv2d(in, 320, 1));
    branch3x3_1 = register_module("branch3x3_1", new BasicConv2d(in, 384, 1));
    branch3x3_2a = register_module("branch3x3_2a", new BasicConv2d(384, 384, 1, 3, 1, 0, 1));
    branch3x3_2b = register_module("branch3x3_2b", new BasicConv2d(384, 384, 3, 1, 1, 1, 0));
    branch3x3dbl_1 = register_module("branch3x3dbl_1", new BasicConv2d(in, 448, 1));
    branch3x3dbl_2 = register_module("branch3x3dbl_2", new BasicConv2d(448, 384, 3, 1, 1));
    branch3x3dbl_3a =
        register_module("branch3x3dbl_3a", new BasicConv2d(384, 384, 1, 3, 1, 0, 1));
    branch3x3dbl_3b =
        register_module("branch3x3dbl_3b", new BasicConv2d(384, 384, 3, 1, 1, 1, 0));
    branchPool = register_module("branch_pool", new BasicConv2d(in, 192, 1));
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor b1 = branch1x1.forward(x);
    Tensor b3 = branch3x3_1.forward(x);
    Tensor b3a = branch3x3_2a.forward(b3);
    Tensor b3b = branch3x3_2b.forward(b3);
    b3.close();
    Tensor dbl = Layers.chain(x, branch3x3dbl_1, branch3x3dbl_2);
    Tensor dbla = branch3x3dbl_3a.forward(dbl);
    Tensor dblb = branch3x3dbl_3b.forward(dbl);
    dbl.close();
    Tensor pool = Layers.chain(x, InceptionA.AVG_POOL, branchPool);
    // torchvision concatenates each pair first, then the four branches: the same channel order
    // as one concatenation of all six, without the two intermediate copies
    return Concat.channels(b1, b3a, b3b, dbla, dblb, pool);
  }
}
