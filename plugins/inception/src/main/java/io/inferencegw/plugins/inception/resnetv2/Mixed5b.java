package io.inferencegw.plugins.inception.resnetv2;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;

/**
 * timm's {@code Mixed_5b}, the end of the Inception-ResNet-v2 stem as in the TensorFlow-slim
 * release that timm's weights come from (an Inception-A-like block on 35x35x192):
 * {@code branch0} 1x1 (96); {@code branch1} 1x1 (48), 5x5 (64); {@code branch2} 1x1 (64), 3x3
 * (96), 3x3 (96); {@code branch3} 3x3 average pool (padding not counted), 1x1 (64). Output
 * 35x35x320.
 */
public final class Mixed5b extends Branches {

  public static final int OUT_CHANNELS = 96 + 64 + 96 + 64;

  public Mixed5b() {
    branch("branch0", new BasicConv2d(192, 96, 1));
    branch("branch1", Sequential.of(new BasicConv2d(192, 48, 1), same(48, 64, 5, 5)));
    branch("branch2", Sequential.of(new BasicConv2d(192, 64, 1), same(64, 96, 3, 3),
        same(96, 96, 3, 3)));
    branch("branch3", TimmPools.avgPoolThen(new BasicConv2d(192, 64, 1)));
  }
}
