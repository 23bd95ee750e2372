package io.inferencegw.plugins.inception;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.parity.FamilyParityTest;
import io.inferencegw.plugin.api.parity.ParityHarness;
import io.inferencegw.plugin.api.parity.Reference;
import io.inferencegw.plugins.inception.v3.Inception3;
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
    VariantSpec served = family().requireVariant(InceptionFamily.INCEPTION_V3);
    VariantSpec plain = new VariantSpec("inception_v3_plain", served.channels(),
        served.height(), served.width(), served.numClasses(), served.parameters(),
        served.preprocess());
    ModelFamily family = new ModelFamily() {
      @Override
      public String name() {
        return "inception-v3-plain";
      }

      @Override
      public List<VariantSpec> variants() {
        return List.of(plain);
      }

      @Override
      public ClassifierModule build(String variant) {
        requireVariant(variant);
        return new Inception3(plain.numClasses(), true, false, 0.5);
      }
    };
    ParityHarness.of(family, v -> Reference.torchvision("inception_v3"))
        .assertSameLogits(plain.name());
  }

  /** The family restricted to the variants torchvision has a reference for. */
  static ModelFamily torchvisionVariants() {
    InceptionFamily all = new InceptionFamily();
    return new ModelFamily() {
      @Override
      public String name() {
        return all.name();
      }

      @Override
      public List<VariantSpec> variants() {
        return List.of(all.requireVariant(InceptionFamily.INCEPTION_V3));
      }

      @Override
      public ClassifierModule build(String variant) {
        requireVariant(variant);
        return all.build(variant);
      }
    };
  }
}
