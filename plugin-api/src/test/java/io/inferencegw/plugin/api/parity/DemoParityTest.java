package io.inferencegw.plugin.api.parity;

/**
 * The shared blocks ({@code Conv2dNormActivation} with its options, activations, pooling,
 * {@code Sequential} numbering) match torchvision, checked the way every family is.
 */
class DemoParityTest extends FamilyParityTest {

  DemoParityTest() {
    super(new DemoFamily(DemoFamily.GOOD), "blocks_demo");
  }

  @Override
  protected Reference reference(String variant) {
    return DemoFamily.REFERENCE;
  }
}
