package io.inferencegw.plugins.inception.v4;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;

/**
 * timm's {@code InceptionA} of Inception v4 (figure 4, the 35x35 grid): {@code branch0} 1x1
 * (96); {@code branch1} 1x1 (64), 3x3 (96); {@code branch2} 1x1 (64), 3x3 (96), 3x3 (96);
 * {@code branch3} 3x3 average pool (padding not counted), 1x1 (96). 384 channels in and out.
 */
public final class InceptionA extends Branches {

  public static final int CHANNELS = 384;

  public InceptionA() {
    branch("branch0", new BasicConv2d(CHANNELS, 96, 1));
    branch("branch1", Sequential.of(new BasicConv2d(CHANNELS, 64, 1), same(64, 96, 3, 3)));
    branch("branch2", Sequential.of(new BasicConv2d(CHANNELS, 64, 1), same(64, 96, 3, 3),
        same(96, 96, 3, 3)));
    branch("branch3", TimmPools.avgPoolThen(new BasicConv2d(CHANNELS, 96, 1)));
  }
}
