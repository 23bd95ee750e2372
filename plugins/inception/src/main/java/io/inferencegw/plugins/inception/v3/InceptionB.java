package io.inferencegw.plugins.inception.v3;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;

/**
 * torchvision's {@code InceptionB} (Mixed_6a, the grid reduction 35x35 to 17x17 of the paper's
 * figure 10): 3x3 stride 2 (384); 1x1 (64), 3x3 (96), 3x3 stride 2 (96); 3x3 max pool stride 2.
 * Output {@code 480 + in} channels.
 */
public final class InceptionB extends Branches {

  static final Functional MAX_POOL = Layers.maxPool2d(3, 2);

  public InceptionB(int in) {
    branch("branch3x3", new BasicConv2d(in, 384, 3, 2, 0));
    chain("branch3x3dbl_", 1, new BasicConv2d(in, 64, 1), same(64, 96, 3, 3),
        new BasicConv2d(96, 96, 3, 2, 0));
    branch(MAX_POOL);
  }

  public static int outChannels(int in) {
    return 384 + 96 + in;
  }
}
