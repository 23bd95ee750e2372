package io.inferencegw.plugins.inception.v3;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;

/**
 * torchvision's {@code InceptionE} (Mixed_7b-7c, 8x8; the paper's figure 7, expanded filter
 * banks): 1x1 (320); 1x1 (384) then 1x3 and 3x1 side by side (384 each); 1x1 (448), 3x3 (384),
 * then 1x3 and 3x1 side by side (384 each); 3x3 average pool then 1x1 (192). Output 2048
 * channels at the input's size.
 *
 * <p>torchvision concatenates each side-by-side pair first, then the four branches: the same
 * channel order as one concatenation of all six outputs, which the forks give without the two
 * intermediate copies.
 */
public final class InceptionE extends Branches {

  public static final int OUT_CHANNELS = 2048;

  public InceptionE(int in) {
    branch("branch1x1", new BasicConv2d(in, 320, 1));
    chain("branch3x3_", 1, new BasicConv2d(in, 384, 1))
        .fork("branch3x3_2a", same(384, 384, 1, 3), "branch3x3_2b", same(384, 384, 3, 1));
    chain("branch3x3dbl_", 1, new BasicConv2d(in, 448, 1), same(448, 384, 3, 3))
        .fork("branch3x3dbl_3a", same(384, 384, 1, 3), "branch3x3dbl_3b", same(384, 384, 3, 1));
    branch(InceptionA.AVG_POOL).then("branch_pool", new BasicConv2d(in, 192, 1));
  }
}
