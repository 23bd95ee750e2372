package io.inferencegw.plugins.mobilenet;

import io.inferencegw.plugin.api.parity.FamilyParityTest;

/**
 * MobileNet V2 and V3 against torchvision's: structure always, logits for mobilenet_v3_small
 * and mobilenet_v2 by default and for all three with {@code -Dparity=all}.
 */
class MobilenetParityTest extends FamilyParityTest {

  MobilenetParityTest() {
    super(new TorchvisionVariants(new MobilenetFamily()), "mobilenet_v2", "mobilenet_v3_small");
  }
}
