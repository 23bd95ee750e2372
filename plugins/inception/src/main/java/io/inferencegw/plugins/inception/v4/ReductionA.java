package io.inferencegw.plugins.inception.v4;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;

/**
 * timm's {@code ReductionA} (figure 7, 35x35 to 17x17, with table 1's Inception-v4 filter
 * counts k=192, l=224, m=256, n=384): {@code branch0} 3x3 stride 2 (n=384); {@code branch1}
 * 1x1 (k=192), 3x3 (l=224), 3x3 stride 2 (m=256); {@code branch2} 3x3 stride-2 max pool.
 * 384 channels in, 384 + 256 + 384 = 1024 out.
 */
public final class ReductionA extends Branches {

  public static final int OUT_CHANNELS = 384 + 256 + InceptionA.CHANNELS;

  public ReductionA() {
    branch("branch0", new BasicConv2d(InceptionA.CHANNELS, 384, 3, 2, 0));
    branch("branch1", Sequential.of(new BasicConv2d(InceptionA.CHANNELS, 192, 1),
        same(192, 224, 3, 3), new BasicConv2d(224, 256, 3, 2, 0)));
    branch(TimmPools.MAX_3X3_S2);
  }
}
