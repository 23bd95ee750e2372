package io.inferencegw.plugins.inception.v4;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;

/**
 * timm's {@code Mixed5a}, the last filter concatenation of the Inception-v4 stem (figure 3): a
 * 3x3 stride-2 convolution (192) beside a 3x3 stride-2 max pool, on 71x71x192; output
 * 35x35x384, the input of the Inception-A blocks.
 */
public final class Mixed5a extends Branches {

  public static final int OUT_CHANNELS = 192 + 192;

  public Mixed5a() {
    branch("conv", new BasicConv2d(192, 192, 3, 2, 0));
    branch(TimmPools.MAX_3X3_S2);
  }
}
