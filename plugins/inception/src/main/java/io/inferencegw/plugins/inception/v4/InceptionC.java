package io.inferencegw.plugins.inception.v4;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code InceptionC} of Inception v4 (figure 6, the 8x8 grid): {@code branch0} 1x1
 * (256); {@code branch1_0} 1x1 (384) feeding {@code branch1_1a} 1x3 and {@code branch1_1b} 3x1
 * (256 each); {@code branch2_0} 1x1 (384), {@code branch2_1} 3x1 (448), {@code branch2_2} 1x3
 * (512) feeding {@code branch2_3a} 1x3 and {@code branch2_3b} 3x1 (256 each); {@code branch3}
 * 3x3 average pool (padding not counted), 1x1 (256). 1536 channels in and out.
 */
public final class InceptionC extends Module implements Layer {

  public static final int CHANNELS = 1536;

  private final BasicConv2d branch0;
  private final BasicConv2d branch1_0;
  private final BasicConv2d branch1_1a;
  private final BasicConv2d branch1_1b;
  private final BasicConv2d branch2_0;
  private final BasicConv2d branch2_1;
  private final BasicConv2d branch2_2;
  private final BasicConv2d branch2_3a;
  private final BasicConv2d branch2_3b;
  private final Sequential branch3;

  public InceptionC() {
    super();
    branch0 = register_module("branch0", new BasicConv2d(CHANNELS, 256, 1));
    branch1_0 = register_module("branch1_0", new BasicConv2d(CHANNELS, 384, 1));
    branch1_1a = register_module("branch1_1a", new BasicConv2d(384, 256, 1, 3, 1, 0, 1));
    branch1_1b = register_module("branch1_1b", new BasicConv2d(384, 256, 3, 1, 1, 1, 0));
    branch2_0 = register_module("branch2_0", new BasicConv2d(CHANNELS, 384, 1));
    branch2_1 = register_module("branch2_1", new BasicConv2d(384, 448, 3, 1, 1, 1, 0));
    branch2_2 = register_module("branch2_2", new BasicConv2d(448, 512, 1, 3, 1, 0, 1));
    branch2_3a = register_module("branch2_3a", new BasicConv2d(512, 256, 1, 3, 1, 0, 1));
    branch2_3b = register_module("branch2_3b", new BasicConv2d(512, 256, 3, 1, 1, 1, 0));
    branch3 = register_module("branch3", new Sequential()
        .add(TimmPools.AVG_3X3)
        .add(new BasicConv2d(CHANNELS, 256, 1)));
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor x0 = branch0.forward(x);
    Tensor x10 = branch1_0.forward(x);
    Tensor x1a = branch1_1a.forward(x10);
    Tensor x1b = branch1_1b.forward(x10);
    x10.close();
    Tensor x22 = Layers.chain(x, branch2_0, branch2_1, branch2_2);
    Tensor x2a = branch2_3a.forward(x22);
    Tensor x2b = branch2_3b.forward(x22);
    x22.close();
    Tensor x3 = branch3.forward(x);
    // timm concatenates each pair first, then the four branches: the same channel order as one
    // concatenation of all six, without the intermediate copies
    return Concat.channels(x0, x1a, x1b, x2a, x2b, x3);
  }
}
