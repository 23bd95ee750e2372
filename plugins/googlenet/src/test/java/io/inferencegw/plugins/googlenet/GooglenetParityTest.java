package io.inferencegw.plugins.googlenet;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.inferencegw.plugin.api.parity.FamilyParityTest;
import io.inferencegw.plugin.api.parity.ParityHarness;
import io.inferencegw.plugin.api.parity.Reference;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GoogLeNet against torchvision's, structure and logits in the default run. The catalog's
 * network has {@code transform_input=True} (as torchvision builds it for its weights), so its
 * reference is {@code models.googlenet(transform_input=True)}: same state_dict as the plain
 * {@code googlenet()}, auxiliary heads included. The plain configuration is checked as well.
 */
class GooglenetParityTest extends FamilyParityTest {

  GooglenetParityTest() {
    super(new GooglenetFamily(), GooglenetFamily.GOOGLENET);
  }

  @Override
  protected Reference reference(String variant) {
    return Reference.expression(
        "googlenet_transform_input", "models.googlenet(transform_input=True)");
  }

  /** {@code transform_input=False} against torchvision's default {@code googlenet()}. */
  @Test
  void withoutTransformInputLogitsMatchTorchvisionsDefaultGooglenet() {
    assumeFalse("none".equals(System.getProperty(LEVEL)), "-Dparity=none");
    GooglenetFamily plain =
        new GooglenetFamily(List.of(new GooglenetFamily.Config("googlenet_plain", false)));
    ParityHarness.of(plain, v -> Reference.torchvision("googlenet"))
        .assertSameLogits("googlenet_plain");
  }
}
