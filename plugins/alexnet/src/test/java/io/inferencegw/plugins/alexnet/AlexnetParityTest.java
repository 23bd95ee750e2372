package io.inferencegw.plugins.alexnet;

import io.inferencegw.plugin.api.parity.FamilyParityTest;

/** alexnet against torchvision's: structure always, logits in the default run too. */
class AlexnetParityTest extends FamilyParityTest {

  AlexnetParityTest() {
    super(new AlexnetFamily(), "alexnet");
  }
}
