package io.inferencegw.plugins.googlenet;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;

/**
 * The Inception module of GoogLeNet (Szegedy et al. 2014, figure 2b) as torchvision's
 * {@code Inception}: four branches on the same input, concatenated along the channels:
 * {@code branch1} 1x1; {@code branch2} 1x1 reduction then 3x3; {@code branch3} 1x1 reduction
 * then 3x3 (the paper has 5x5: torchvision's known deviation, pytorch/vision#906, which its
 * ported weights were made for); {@code branch4} 3x3 max pool (stride 1, padding 1, ceil mode)
 * then a 1x1 projection. Output channels: {@code ch1x1 + ch3x3 + ch5x5 + poolProj}, same height
 * and width as the input.
 */
public final class Inception extends Branches {

  private static final Functional POOL = Layers.maxPool2d(3, 1, 1, true);

  private final int outChannels;

  public Inception(int in, int ch1x1, int ch3x3red, int ch3x3, int ch5x5red, int ch5x5,
      int poolProj) {
    branch("branch1", new BasicConv2d(in, ch1x1, 1));
    branch("branch2", Sequential.of(new BasicConv2d(in, ch3x3red, 1),
        same(ch3x3red, ch3x3, 3, 3)));
    branch("branch3", Sequential.of(new BasicConv2d(in, ch5x5red, 1),
        same(ch5x5red, ch5x5, 3, 3)));
    branch("branch4", new Sequential().add(POOL).add(new BasicConv2d(in, poolProj, 1)));
    outChannels = ch1x1 + ch3x3 + ch5x5 + poolProj;
  }

  public int outChannels() {
    return outChannels;
  }
}
