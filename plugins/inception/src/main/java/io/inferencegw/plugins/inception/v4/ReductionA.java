package io.inferencegw.plugins.inception.v4;

import io.inferencegw.plugins.inception.ReductionA35;

/**
 * timm's {@code ReductionA} (figure 7, 35x35 to 17x17, with table 1's Inception-v4 filter
 * counts k=192, l=224, m=256, n=384): {@code branch0} 3x3 stride 2 (n=384); {@code branch1}
 * 1x1 (k=192), 3x3 (l=224), 3x3 stride 2 (m=256); {@code branch2} 3x3 stride-2 max pool.
 * 384 channels in, 384 + 256 + 384 = 1024 out.
 */
public final class ReductionA extends ReductionA35 {

  public static final int OUT_CHANNELS = 384 + 256 + InceptionA.CHANNELS;

  public ReductionA() {
    super(InceptionA.CHANNELS, 192, 224, 256, 384);
  }
}
