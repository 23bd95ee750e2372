package io.inferencegw.plugins.inception.v3;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;

/**
 * torchvision's {@code InceptionD} (Mixed_7a, the grid reduction 17x17 to 8x8): 1x1 (192) then
 * 3x3 stride 2 (320); 1x1 (192), 1x7, 7x1, 3x3 stride 2 (192); 3x3 max pool stride 2. Output
 * {@code 512 + in} channels.
 */
public final class InceptionD extends Branches {

  public InceptionD(int in) {
    chain("branch3x3_", 1, new BasicConv2d(in, 192, 1), new BasicConv2d(192, 320, 3, 2, 0));
    chain("branch7x7x3_", 1, new BasicConv2d(in, 192, 1), same(192, 192, 1, 7),
        same(192, 192, 7, 1), new BasicConv2d(192, 192, 3, 2, 0));
    branch(InceptionB.MAX_POOL);
  }

  public static int outChannels(int in) {
    return 320 + 192 + in;
  }
}
