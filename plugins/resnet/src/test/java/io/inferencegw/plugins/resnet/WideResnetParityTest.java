package io.inferencegw.plugins.resnet;

import io.inferencegw.plugin.api.parity.FamilyParityTest;

/**
 * Both Wide ResNets against torchvision's: structure always, logits for wide_resnet50_2 by
 * default and for both with {@code -Dparity=all}.
 */
class WideResnetParityTest extends FamilyParityTest {

  WideResnetParityTest() {
    super(new WideResnetFamily(), "wide_resnet50_2");
  }
}
