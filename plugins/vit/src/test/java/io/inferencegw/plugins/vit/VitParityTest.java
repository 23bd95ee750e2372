package io.inferencegw.plugins.vit;

import io.inferencegw.plugin.api.parity.FamilyParityTest;

/**
 * Every ViT variant against torchvision's: structure always, logits for vit_b_16 by default and
 * for all five with {@code -Dparity=all} (vit_h_14 has 632M parameters: minutes and ~8 GB).
 */
class VitParityTest extends FamilyParityTest {

  VitParityTest() {
    super(new VitFamily(), "vit_b_16");
  }

  /** H/14 is built for 224x224 input, the size of its SWAG linear-probe weights (not DEFAULT). */
  @Override
  protected String referenceWeights(String variant) {
    return variant.equals("vit_h_14") ? "vit_h_14:IMAGENET1K_SWAG_LINEAR_V1" : variant;
  }
}
