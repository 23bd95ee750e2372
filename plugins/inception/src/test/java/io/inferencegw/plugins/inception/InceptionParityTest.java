package io.inferencegw.plugins.inception;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.parity.FamilyParityTest;
import io.inferencegw.plugin.api.parity.ParityHarness;
import io.inferencegw.plugin.api.parity.Reference;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The variants torchvision has (Inception v3) against torchvision: structure and logits in the
 * default run. The served network has {@code transform_input=True}, as torchvision builds it for
 * its weights, so the reference is {@code models.inception_v3(transform_input=True)} (the same
 * state_dict as the plain {@code inception_v3()}); the plain configuration is checked with
 * {@code -Dparity=all}.
 * Inception v4 and Inception-ResNet v2 are
 * timm's, checked by {@link TimmStructureTest} and {@link TimmParityTest}.
 */
class InceptionParityTest extends FamilyParityTest {

  InceptionParityTest() {
    super(torchvisionVariants(), InceptionFamily.INCEPTION_V3);
  }

  @Override
  protected Reference reference(String variant) {
    return Reference.expression(
        "inception_v3_transform_input", "models.inception_v3(transform_input=True)");
  }

  /**
   * {@code transform_input=False} against torchvision's default {@code inception_v3()}, with
   * {@code -Dparity=all} or {@code -Dparity=inception_v3_plain}. (The default run covers it:
   * InceptionFamilyTest shows the served network is the plain one after
   * {@code TransformInput}, bit for bit.)
   */
  @Test
  void v3WithoutTransformInputLogitsMatchTorchvisionsDefault() {
    String level = System.getProperty(LEVEL, "ci");
    assumeTrue(level.equals("all") || List.of(level.split("\\s*,\\s*"))
        .contains("inception_v3_plain"), "-Dparity=all or -Dparity=inception_v3_plain");
    InceptionFamily plain =
        new InceptionFamily(List.of(InceptionFamily.v3("inception_v3_plain", false)));
    ParityHarness.of(plain, v -> Reference.torchvision("inception_v3"))
        .assertSameLogits("inception_v3_plain");
  }

  /** The family restricted to the variant torchvision has a reference for. */
  static ModelFamily torchvisionVariants() {
    return new InceptionFamily(List.of(InceptionFamily.v3(InceptionFamily.INCEPTION_V3, true)));
  }
}
