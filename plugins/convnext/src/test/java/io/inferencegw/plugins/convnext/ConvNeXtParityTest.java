package io.inferencegw.plugins.convnext;

import io.inferencegw.plugin.api.parity.FamilyParityTest;

/**
 * Every ConvNeXt variant against torchvision's: structure always, logits for convnext_tiny by
 * default and for all four with {@code -Dparity=all}.
 */
class ConvNeXtParityTest extends FamilyParityTest {

  ConvNeXtParityTest() {
    super(new ConvNeXtFamily(), "convnext_tiny");
  }
}
