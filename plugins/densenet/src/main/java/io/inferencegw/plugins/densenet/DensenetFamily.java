package io.inferencegw.plugins.densenet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
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
public class DensenetFamily extends ConfiguredFamily<DensenetFamily.Config> {

  public static final String NAME = "densenet";
  private static final int NUM_CLASSES = 1000;
  private static final double DROP_RATE = 0;
  public static final PreprocessSpec PREPROCESS =
      PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR);

  /** One row per variant, as torchvision's {@code _densenet(growth_rate, block_config, init)}. */
  record Config(String name, DenseNet.Config network) implements Variant {}

  public DensenetFamily() {
    super(NAME, NUM_CLASSES, PREPROCESS, List.of(
        new Config("densenet121", new DenseNet.Config(32, 64, 6, 12, 24, 16)),
        new Config("densenet161", new DenseNet.Config(48, 96, 6, 12, 36, 24)),
        new Config("densenet169", new DenseNet.Config(32, 64, 6, 12, 32, 32)),
        new Config("densenet201", new DenseNet.Config(32, 64, 6, 12, 48, 32)),
        new Config("densenet264", new DenseNet.Config(32, 64, 6, 12, 64, 48))));
  }


  @Override
  protected ClassifierModule build(Config c) {
    return new DenseNet(c.network(), DROP_RATE, NUM_CLASSES);
  }
}
