package io.inferencegw.plugins.densenet;

import io.inferencegw.plugin.api.parity.FamilyParityTest;
import io.inferencegw.plugin.api.parity.Reference;

/**
 * Every DenseNet against torchvision's: structure always, logits for densenet121 by default and
 * for all five with {@code -Dparity=all}. densenet264 has no torchvision builder; its reference
 * is torchvision's DenseNet class built with the paper's configuration.
 */
class DensenetParityTest extends FamilyParityTest {

  DensenetParityTest() {
    super(new DensenetFamily(), "densenet121");
  }

  @Override
  protected Reference reference(String variant) {
    return variant.equals("densenet264")
        ? Reference.expression(variant, "models.DenseNet(32, (6, 12, 64, 48), 64)")
        : Reference.torchvision(variant);
  }
}
