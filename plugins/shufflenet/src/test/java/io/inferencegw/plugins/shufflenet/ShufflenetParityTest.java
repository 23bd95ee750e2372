package io.inferencegw.plugins.shufflenet;

import io.inferencegw.plugin.api.parity.FamilyParityTest;

/**
 * Every ShuffleNet V2 against torchvision's: structure always, logits for shufflenet_v2_x0_5
 * and shufflenet_v2_x1_0 by default and for all four with {@code -Dparity=all}.
 */
class ShufflenetParityTest extends FamilyParityTest {

  ShufflenetParityTest() {
    super(new ShufflenetFamily(), "shufflenet_v2_x0_5", "shufflenet_v2_x1_0");
  }
}
