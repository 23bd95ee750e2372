package io.inferencegw.plugins.resnet;

import io.inferencegw.plugin.api.parity.FamilyParityTest;

/**
 * Every ResNeXt against torchvision's: structure always, logits for resnext50_32x4d by default
 * and for all three with {@code -Dparity=all}.
 */
class ResnextParityTest extends FamilyParityTest {

  ResnextParityTest() {
    super(new ResnextFamily(), "resnext50_32x4d");
  }
}
