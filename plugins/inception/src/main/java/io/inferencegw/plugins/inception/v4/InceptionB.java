package io.inferencegw.plugins.inception.v4;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;

/**
 * timm's {@code InceptionB} of Inception v4 (figure 5, the 17x17 grid): {@code branch0} 1x1
 * (384); {@code branch1} 1x1 (192), 1x7 (224), 7x1 (256); {@code branch2} 1x1 (192), 7x1
 * (192), 1x7 (224), 7x1 (224), 1x7 (256); {@code branch3} 3x3 average pool (padding not
 * counted), 1x1 (128). 1024 channels in and out.
 */
public final class InceptionB extends Branches {

  public static final int CHANNELS = 1024;

  public InceptionB() {
    branch("branch0", new BasicConv2d(CHANNELS, 384, 1));
    branch("branch1", Sequential.of(new BasicConv2d(CHANNELS, 192, 1), same(192, 224, 1, 7),
        same(224, 256, 7, 1)));
    branch("branch2", Sequential.of(new BasicConv2d(CHANNELS, 192, 1), same(192, 192, 7, 1),
        same(192, 224, 1, 7), same(224, 224, 7, 1), same(224, 256, 1, 7)));
    branch("branch3", TimmPools.avgPoolThen(new BasicConv2d(CHANNELS, 128, 1)));
  }
}
