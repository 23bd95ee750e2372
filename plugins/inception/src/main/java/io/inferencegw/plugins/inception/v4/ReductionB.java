package io.inferencegw.plugins.inception.v4;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;

/**
 * timm's {@code ReductionB} (figure 8, 17x17 to 8x8): {@code branch0} 1x1 (192), 3x3 stride 2
 * (192); {@code branch1} 1x1 (256), 1x7 (256), 7x1 (320), 3x3 stride 2 (320); {@code branch2}
 * 3x3 stride-2 max pool. 1024 channels in, 192 + 320 + 1024 = 1536 out.
 */
public final class ReductionB extends Branches {

  public static final int OUT_CHANNELS = 192 + 320 + InceptionB.CHANNELS;

  public ReductionB() {
    branch("branch0", Sequential.of(new BasicConv2d(InceptionB.CHANNELS, 192, 1),
        new BasicConv2d(192, 192, 3, 2, 0)));
    branch("branch1", Sequential.of(new BasicConv2d(InceptionB.CHANNELS, 256, 1),
        same(256, 256, 1, 7), same(256, 320, 7, 1), new BasicConv2d(320, 320, 3, 2, 0)));
    branch(TimmPools.MAX_3X3_S2);
  }
}
