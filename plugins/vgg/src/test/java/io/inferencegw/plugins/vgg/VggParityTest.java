package io.inferencegw.plugins.vgg;

import io.inferencegw.plugin.api.parity.FamilyParityTest;

/**
 * Every VGG variant against torchvision's: structure always, logits for vgg11 by default and
 * for all eight with {@code -Dparity=all}.
 */
class VggParityTest extends FamilyParityTest {

  VggParityTest() {
    super(new VggFamily(), "vgg11");
  }
}
