package io.inferencegw.plugins.mnasnet;

import io.inferencegw.plugin.api.parity.FamilyParityTest;

/**
 * Every MNASNet against torchvision's: structure always, logits for mnasnet0_5 and mnasnet1_0
 * by default and for all four with {@code -Dparity=all}.
 */
class MnasnetParityTest extends FamilyParityTest {

  MnasnetParityTest() {
    super(new MnasnetFamily(), "mnasnet0_5", "mnasnet1_0");
  }
}
