package io.inferencegw.plugins.mobilenet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.VariantSpec;
import java.util.List;
import java.util.Set;

/**
 * The family as the torchvision parity harness sees it: only the variants torchvision has
 * ({@code mobilenet_v1} is checked against timm by {@link MobilenetV1StructureTest} and
 * {@link MobilenetV1TimmParityTest}).
 */
final class TorchvisionVariants implements ModelFamily {

  static final Set<String> NOT_IN_TORCHVISION = Set.of("mobilenet_v1");

  private final ModelFamily family;

  TorchvisionVariants(ModelFamily family) {
    this.family = family;
  }

  @Override
  public String name() {
    return family.name();
  }

  @Override
  public List<VariantSpec> variants() {
    return family.variants().stream().filter(v -> !NOT_IN_TORCHVISION.contains(v.name()))
        .toList();
  }

  @Override
  public ClassifierModule build(String variant) {
    requireVariant(variant);
    return family.build(variant);
  }
}
