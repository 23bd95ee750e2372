package io.inferencegw.plugins.swin;

import io.inferencegw.plugin.api.parity.FamilyParityTest;

/**
 * Every Swin variant against torchvision's: structure always, logits for swin_t by default and
 * for all six with {@code -Dparity=all}. The default run checks V2's logits too, in
 * {@link SwinPaddingParityTest} (swin_v2_t at a smaller, padded input size), to stay fast.
 */
class SwinParityTest extends FamilyParityTest {

  SwinParityTest() {
    super(new SwinFamily(), "swin_t");
  }
}
