package io.inferencegw.plugins.inception.v3;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;

/**
 * torchvision's {@code InceptionA} (Mixed_5b-5d, 35x35): 1x1 (64); 1x1 (48) then 5x5 (64);
 * 1x1 (64) then two 3x3 (96); 3x3 average pool then 1x1 ({@code poolFeatures}). The paper's
 * figure 5 with the 5x5 kept as in the TensorFlow release. Output {@code 224 + poolFeatures}
 * channels at the input's size.
 */
public final class InceptionA extends Branches {

  /** {@code F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)}: padding counted. */
  static final Functional AVG_POOL = Layers.avgPool2d(3, 1, 1, true);

  public InceptionA(int in, int poolFeatures) {
    branch("branch1x1", new BasicConv2d(in, 64, 1));
    chain("branch5x5_", 1, new BasicConv2d(in, 48, 1), same(48, 64, 5, 5));
    chain("branch3x3dbl_", 1, new BasicConv2d(in, 64, 1), same(64, 96, 3, 3),
        same(96, 96, 3, 3));
    branch(AVG_POOL).then("branch_pool", new BasicConv2d(in, poolFeatures, 1));
  }

  public static int outChannels(int poolFeatures) {
    return 64 + 64 + 96 + poolFeatures;
  }
}
