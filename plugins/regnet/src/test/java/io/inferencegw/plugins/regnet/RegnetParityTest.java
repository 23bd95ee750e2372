package io.inferencegw.plugins.regnet;

import io.inferencegw.plugin.api.parity.FamilyParityTest;

/**
 * Every RegNet against torchvision's, at the variant's native input size: structure always
 * (regnet_y_128gf built without torchvision's initialisation, see
 * {@link RegnetFamily#buildForLoading}), logits for regnet_x_400mf and regnet_y_400mf by default
 * and for all fifteen with {@code -Dparity=all} (regnet_y_128gf at 384x384 needs about 10 GB
 * and several minutes on two cores).
 */
class RegnetParityTest extends FamilyParityTest {

  RegnetParityTest() {
    super(new RegnetFamily(), "regnet_x_400mf", "regnet_y_400mf");
  }
}
