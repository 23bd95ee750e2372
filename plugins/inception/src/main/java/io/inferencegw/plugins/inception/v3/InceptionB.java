package io.inferencegw.plugins.inception.v3;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's {@code InceptionB} (Mixed_6a, the grid reduction 35x35 to 17x17 of the paper's
 * figure 10): 3x3 stride 2 (384); 1x1 (64), 3x3 (96), 3x3 stride 2 (96); 3x3 max pool stride 2.
 * Output {@code 480 + in} channels.
 */
public final class InceptionB extends Module implements Layer {

  static final Functional MAX_POOL = Layers.maxPool2d(3, 2);

  private final BasicConv2d branch3x3;
  private final BasicConv2d branch3x3dbl_1;
  private final BasicConv2d branch3x3dbl_2;
  private final BasicConv2d branch3x3dbl_3;

  public InceptionB(int in) {
    super();
    branch3x3 = register_module("branch3x3", new BasicConv2d(in, 384, 3, 2, 0));
    branch3x3dbl_1 = register_module("branch3x3dbl_1", new BasicConv2d(in, 64, 1));
    branch3x3dbl_2 = register_module("branch3x3dbl_2", new BasicConv2d(64, 96, 3, 1, 1));
    branch3x3dbl_3 = register_module("branch3x3dbl_3", new BasicConv2d(96, 96, 3, 2, 0));
  }

  public static int outChannels(int in) {
    return 384 + 96 + in;
  }

  @Override
  public Tensor forward(Tensor x) {
    return Concat.channels(
        branch3x3.forward(x),
        Layers.chain(x, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3),
        MAX_POOL.forward(x));
  }
}
