package io.inferencegw.plugins.densenet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.VariantSpec;
import java.util.List;
import org.pf4j.Extension;

/**
 * DenseNet-BC as torchvision's {@code densenet121/161/169/201}, and {@code densenet264} of the
 * paper (growth rate 32, blocks 6-12-64-48, 64 initial features), which torchvision has no
 * builder or weights for but builds with the same class.
 *
 * <p>Preprocessing as torchvision's {@code DenseNet*_Weights.IMAGENET1K_V1}: resize the shorter
 * side to 256 bilinear, center crop 224, ImageNet mean and std; densenet264, without published
 * torchvision weights, uses the same.
 *
 * <p>Weights: the state_dict keys are torchvision's current ones
 * ({@code features.denseblock1.denselayer1.norm1.weight}). The {@code .pth} files torchvision
 * downloads still use the legacy {@code ...denselayer1.norm.1.weight} form, which torchvision's
 * {@code _load_state_dict} renames on load; convert {@code model.state_dict()} of a loaded
 * torchvision model to safetensors (or apply the same rename) to load them strictly here.
 */
@Extension
public class DensenetFamily implements ModelFamily {

  public static final String NAME = "densenet";
  public static final int SIZE = 224;
  public static final int NUM_CLASSES = 1000;
  public static final double DROP_RATE = 0;
  public static final PreprocessSpec PREPROCESS =
      PreprocessSpec.imagenet(256, SIZE, Interpolation.BILINEAR);

  /** One row per variant, as torchvision's {@code _densenet(growth_rate, block_config, init)}. */
  record Variant(String name, DenseNet.Config network) {}

  static final List<Variant> CONFIGS = List.of(
      new Variant("densenet121", new DenseNet.Config(32, 64, 6, 12, 24, 16)),
      new Variant("densenet161", new DenseNet.Config(48, 96, 6, 12, 36, 24)),
      new Variant("densenet169", new DenseNet.Config(32, 64, 6, 12, 32, 32)),
      new Variant("densenet201", new DenseNet.Config(32, 64, 6, 12, 48, 32)),
      new Variant("densenet264", new DenseNet.Config(32, 64, 6, 12, 64, 48)));

  private static final List<VariantSpec> VARIANTS = CONFIGS.stream()
      .map(c -> new VariantSpec(c.name(), 3, SIZE, SIZE, NUM_CLASSES,
          c.network().parameterCount(NUM_CLASSES), PREPROCESS))
      .toList();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<VariantSpec> variants() {
    return VARIANTS;
  }

  @Override
  public ClassifierModule build(String variant) {
    VariantSpec spec = requireVariant(variant);
    return new DenseNet(config(spec.name()).network(), DROP_RATE, spec.numClasses());
  }

  static Variant config(String variant) {
    return CONFIGS.stream().filter(c -> c.name().equals(variant)).findFirst().orElseThrow();
  }
}
