package io.inferencegw.plugins.inception.v4;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;

/**
 * timm's {@code Mixed4a}, the second filter concatenation of the Inception-v4 stem (figure 3):
 * {@code branch0} 1x1 (64), 3x3 (96); {@code branch1} 1x1 (64), 1x7 (64), 7x1 (64),
 * 3x3 (96); both 3x3 unpadded. On 73x73x160, output 71x71x192.
 */
public final class Mixed4a extends Branches {

  public static final int OUT_CHANNELS = 96 + 96;

  public Mixed4a() {
    branch("branch0", Sequential.of(new BasicConv2d(160, 64, 1), new BasicConv2d(64, 96, 3)));
    branch("branch1", Sequential.of(new BasicConv2d(160, 64, 1), same(64, 64, 1, 7),
        same(64, 64, 7, 1), new BasicConv2d(64, 96, 3)));
  }
}
