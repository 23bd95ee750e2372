package io.inferencegw.plugins.resnet;

import io.inferencegw.plugin.api.parity.FamilyParityTest;

/**
 * Every ResNet against torchvision's: structure always, logits for resnet18 by default and for
 * all five with {@code -Dparity=all}.
 */
class ResnetParityTest extends FamilyParityTest {

  ResnetParityTest() {
    super(new ResnetFamily(), "resnet18");
  }
}
