package io.inferencegw.plugins.inception;

import static io.inferencegw.plugin.api.blocks.inception.BasicConv2d.same;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;

/**
 * Reduction-A of Szegedy et al. 2016 (figure 7, 35x35 to 17x17), shared by Inception v4 and
 * Inception-ResNet v2 with the filter counts k, l, m, n of the paper's table 1, in timm's
 * layout: {@code branch0} 3x3 stride 2 (n); {@code branch1} 1x1 (k), 3x3 (l), 3x3 stride 2
 * (m); {@code branch2} 3x3 stride-2 max pool. Output {@code n + m + in} channels.
 */
public class ReductionA35 extends Branches {

  protected ReductionA35(int in, int k, int l, int m, int n) {
    branch("branch0", new BasicConv2d(in, n, 3, 2, 0));
    branch("branch1", Sequential.of(new BasicConv2d(in, k, 1), same(k, l, 3, 3),
        new BasicConv2d(l, m, 3, 2, 0)));
    branch(TimmPools.MAX_3X3_S2);
  }
}
