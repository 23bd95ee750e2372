package io.inferencegw.plugins.efficientnet;

import io.inferencegw.plugin.api.parity.FamilyParityTest;

/**
 * Every EfficientNet against torchvision's, at the variant's native input size: structure
 * always, logits for efficientnet_b0 (224) by default and for all eleven with
 * {@code -Dparity=all}.
 */
class EfficientnetParityTest extends FamilyParityTest {

  EfficientnetParityTest() {
    super(new EfficientnetFamily(), "efficientnet_b0");
  }
}
