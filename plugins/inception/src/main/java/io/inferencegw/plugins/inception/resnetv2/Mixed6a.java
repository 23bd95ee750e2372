package io.inferencegw.plugins.inception.resnetv2;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;

/**
 * timm's {@code Mixed_6a}, Reduction-A of Inception-ResNet v2 (figure 7 with k=256, l=256,
 * m=384, n=384, table 1), 35x35 to 17x17: {@code branch0} 3x3 stride 2 (384); {@code branch1}
 * 1x1 (256), 3x3 (256), 3x3 stride 2 (384); {@code branch2} 3x3 stride-2 max pool. 320
 * channels in, 384 + 384 + 320 = 1088 out.
 */
public final class Mixed6a extends Branches {

  public static final int OUT_CHANNELS = 384 + 384 + Block35.CHANNELS;

  public Mixed6a() {
    branch("branch0", new BasicConv2d(Block35.CHANNELS, 384, 3, 2, 0));
    branch("branch1", Sequential.of(new BasicConv2d(Block35.CHANNELS, 256, 1),
        same(256, 256, 3, 3), new BasicConv2d(256, 384, 3, 2, 0)));
    branch(TimmPools.MAX_3X3_S2);
  }
}
