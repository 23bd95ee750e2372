package io.inferencegw.plugins.inception.resnetv2;

import io.inferencegw.plugins.inception.ReductionA35;

/**
 * timm's {@code Mixed_6a}, Reduction-A of Inception-ResNet v2 (figure 7 with k=256, l=256,
 * m=384, n=384, table 1), 35x35 to 17x17: {@code branch0} 3x3 stride 2 (384); {@code branch1}
 * 1x1 (256), 3x3 (256), 3x3 stride 2 (384); {@code branch2} 3x3 stride-2 max pool. 320
 * channels in, 384 + 384 + 320 = 1088 out.
 */
public final class Mixed6a extends ReductionA35 {

  public static final int OUT_CHANNELS = 384 + 384 + Block35.CHANNELS;

  public Mixed6a() {
    super(Block35.CHANNELS, 256, 256, 384, 384);
  }
}
