package io.inferencegw.plugins.inception.v4;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;

/**
 * timm's {@code Mixed3a}, the first filter concatenation of the Inception-v4 stem (Szegedy et
 * al. 2016, figure 3): 3x3 max pool stride 2 beside a 3x3 stride-2 convolution (96), on
 * 147x147x64; output 73x73x160.
 */
public final class Mixed3a extends Branches {

  public static final int OUT_CHANNELS = 64 + 96;

  public Mixed3a() {
    branch(TimmPools.MAX_3X3_S2);
    branch("conv", new BasicConv2d(64, 96, 3, 2, 0));
  }
}
