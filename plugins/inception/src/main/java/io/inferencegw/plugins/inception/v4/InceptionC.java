package io.inferencegw.plugins.inception.v4;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;

/**
 * timm's {@code InceptionC} of Inception v4 (figure 6, the 8x8 grid): {@code branch0} 1x1
 * (256); {@code branch1_0} 1x1 (384) feeding {@code branch1_1a} 1x3 and {@code branch1_1b} 3x1
 * (256 each); {@code branch2_0} 1x1 (384), {@code branch2_1} 3x1 (448), {@code branch2_2} 1x3
 * (512) feeding {@code branch2_3a} 1x3 and {@code branch2_3b} 3x1 (256 each); {@code branch3}
 * 3x3 average pool (padding not counted), 1x1 (256). 1536 channels in and out.
 *
 * <p>timm concatenates each pair first, then the four branches: the same channel order as one
 * concatenation of all six outputs, which the forks give without the intermediate copies.
 */
public final class InceptionC extends Branches {

  public static final int CHANNELS = 1536;

  public InceptionC() {
    branch("branch0", new BasicConv2d(CHANNELS, 256, 1));
    chain("branch1_", 0, new BasicConv2d(CHANNELS, 384, 1))
        .fork("branch1_1a", same(384, 256, 1, 3), "branch1_1b", same(384, 256, 3, 1));
    chain("branch2_", 0, new BasicConv2d(CHANNELS, 384, 1), same(384, 448, 3, 1),
        same(448, 512, 1, 3))
        .fork("branch2_3a", same(512, 256, 1, 3), "branch2_3b", same(512, 256, 3, 1));
    branch("branch3", TimmPools.avgPoolThen(new BasicConv2d(CHANNELS, 256, 1)));
  }
}
