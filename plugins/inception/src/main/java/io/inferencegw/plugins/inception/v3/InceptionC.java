package io.inferencegw.plugins.inception.v3;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;

/**
 * torchvision's {@code InceptionC} (Mixed_6b-6e, 17x17; the paper's figure 6 with n = 7): 1x1
 * (192); 1x1 ({@code c7}), 1x7, 7x1 (192); 1x1 ({@code c7}), 7x1, 1x7, 7x1, 1x7 (192); 3x3
 * average pool then 1x1 (192). Output 768 channels at the input's size.
 */
public final class InceptionC extends Branches {

  public static final int OUT_CHANNELS = 768;

  public InceptionC(int in, int c7) {
    branch("branch1x1", new BasicConv2d(in, 192, 1));
    chain("branch7x7_", 1, new BasicConv2d(in, c7, 1), same(c7, c7, 1, 7), same(c7, 192, 7, 1));
    chain("branch7x7dbl_", 1, new BasicConv2d(in, c7, 1), same(c7, c7, 7, 1),
        same(c7, c7, 1, 7), same(c7, c7, 7, 1), same(c7, 192, 1, 7));
    branch(InceptionA.AVG_POOL).then("branch_pool", new BasicConv2d(in, 192, 1));
  }
}
