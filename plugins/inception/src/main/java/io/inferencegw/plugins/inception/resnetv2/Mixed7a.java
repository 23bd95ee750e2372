package io.inferencegw.plugins.inception.resnetv2;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;

/**
 * timm's {@code Mixed_7a}, Reduction-B of Inception-ResNet v2 (figure 18), 17x17 to 8x8:
 * {@code branch0} 1x1 (256), 3x3 stride 2 (384); {@code branch1} 1x1 (256), 3x3 stride 2
 * (288); {@code branch2} 1x1 (256), 3x3 (288), 3x3 stride 2 (320); {@code branch3} 3x3
 * stride-2 max pool. 1088 channels in, 384 + 288 + 320 + 1088 = 2080 out.
 */
public final class Mixed7a extends Branches {

  public static final int OUT_CHANNELS = 384 + 288 + 320 + Block17.CHANNELS;

  public Mixed7a() {
    branch("branch0", Sequential.of(new BasicConv2d(Block17.CHANNELS, 256, 1),
        new BasicConv2d(256, 384, 3, 2, 0)));
    branch("branch1", Sequential.of(new BasicConv2d(Block17.CHANNELS, 256, 1),
        new BasicConv2d(256, 288, 3, 2, 0)));
    branch("branch2", Sequential.of(new BasicConv2d(Block17.CHANNELS, 256, 1),
        same(256, 288, 3, 3), new BasicConv2d(288, 320, 3, 2, 0)));
    branch(TimmPools.MAX_3X3_S2);
  }
}
