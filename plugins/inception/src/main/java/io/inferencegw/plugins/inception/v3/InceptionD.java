package io.inferencegw.plugins.inception.v3;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's {@code InceptionD} (Mixed_7a, the grid reduction 17x17 to 8x8): 1x1 (192) then
 * 3x3 stride 2 (320); 1x1 (192), 1x7, 7x1, 3x3 stride 2 (192); 3x3 max pool stride 2. Output
 * {@code 512 + in} channels.
 */
public final class InceptionD extends Module implements Layer {

  private final BasicConv2d branch3x3_1;
  private final BasicConv2d branch3x3_2;
  private final BasicConv2d branch7x7x3_1;
  private final BasicConv2d branch7x7x3_2;
  private final BasicConv2d branch7x7x3_3;
  private final BasicConv2d branch7x7x3_4;

  public InceptionD(int in) {
    super();
    branch3x3_1 = register_module("branch3x3_1", new BasicConv2d(in, 192, 1));
    branch3x3_2 = register_module("branch3x3_2", new BasicConv2d(192, 320, 3, 2, 0));
    branch7x7x3_1 = register_module("branch7x7x3_1", new BasicConv2d(in, 192, 1));
    branch7x7x3_2 = register_module("branch7x7x3_2", new BasicConv2d(192, 192, 1, 7, 1, 0, 3));
    branch7x7x3_3 = register_module("branch7x7x3_3", new BasicConv2d(192, 192, 7, 1, 1, 3, 0));
    branch7x7x3_4 = register_module("branch7x7x3_4", new BasicConv2d(192, 192, 3, 2, 0));
  }

  public static int outChannels(int in) {
    return 320 + 192 + in;
  }

  @Override
  public Tensor forward(Tensor x) {
    return Concat.channels(
        Layers.chain(x, branch3x3_1, branch3x3_2),
        Layers.chain(x, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4),
        InceptionB.MAX_POOL.forward(x));
  }
}
