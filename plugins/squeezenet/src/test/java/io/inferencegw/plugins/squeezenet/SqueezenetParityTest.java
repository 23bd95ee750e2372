package io.inferencegw.plugins.squeezenet;

import io.inferencegw.plugin.api.parity.FamilyParityTest;

/** Both versions against torchvision's; both are small enough for numbers in the default run. */
class SqueezenetParityTest extends FamilyParityTest {

  SqueezenetParityTest() {
    super(new SqueezenetFamily(), "squeezenet1_0", "squeezenet1_1");
  }
}
