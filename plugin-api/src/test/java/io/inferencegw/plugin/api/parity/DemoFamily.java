package io.inferencegw.plugin.api.parity;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.blocks.Activation;
import io.inferencegw.plugin.api.blocks.Conv2dNormActivation;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * A small network made of the shared blocks, to test the blocks against torchvision's
 * {@code ops.Conv2dNormActivation} and the harness itself; {@link #BROKEN} has variants with a
 * deliberate mistake that the harness must catch.
 */
final class DemoFamily extends ConfiguredFamily<DemoFamily.Config> {

  /** The same network in PyTorch. */
  static final String REFERENCE_EXPRESSION = "nn.Sequential(OrderedDict(body=nn.Sequential("
      + "ops.Conv2dNormActivation(3, 16, 3, stride=2), "
      + "ops.Conv2dNormActivation(16, 16, 3, groups=16, activation_layer=nn.ReLU6, "
      + "norm_layer=partial(nn.BatchNorm2d, eps=1e-3, momentum=0.01)), "
      + "ops.Conv2dNormActivation(16, 32, 1, activation_layer=nn.Hardswish), "
      + "ops.Conv2dNormActivation(32, 32, 3, norm_layer=None, activation_layer=nn.SiLU), "
      + "nn.MaxPool2d(3, 2, 1, ceil_mode=True), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(1), "
      + "nn.Dropout(0.2), nn.Linear(32, 24), nn.GELU(), nn.Linear(24, 10))))";

  static final Reference REFERENCE = Reference.expression("blocks_demo", REFERENCE_EXPRESSION);

  /** @param firstEps eps of the first batch norm (torchvision: 1e-5)
   *  @param lastConvBias whether the norm-less convolution has its bias (torchvision: yes) */
  record Config(String name, double firstEps, boolean lastConvBias)
      implements ConfiguredFamily.Variant {}

  static final List<Config> GOOD = List.of(new Config("blocks_demo", 1e-5, true));
  static final List<Config> BROKEN = List.of(
      new Config("blocks_demo_wrong_eps", 1e-1, true),
      new Config("blocks_demo_missing_bias", 1e-5, false));

  DemoFamily(List<Config> configs) {
    super("blocks-demo", 10, PreprocessSpec.imagenet(36, 32, Interpolation.BILINEAR), configs);
  }

  @Override
  protected ClassifierModule build(Config c) {
    return new DemoNet(c);
  }

  static final class DemoNet extends ClassifierModule {
    private final Sequential body;

    DemoNet(Config c) {
      body = register_module("body", new Sequential()
          .add(Conv2dNormActivation.builder(3, 16, 3).stride(2).normEps(c.firstEps()).build())
          .add(Conv2dNormActivation.builder(16, 16, 3).groups(16).normEps(1e-3)
              .normMomentum(0.01).activation(Activation.RELU6).build())
          .add(Conv2dNormActivation.builder(16, 32, 1).activation(Activation.HARDSWISH).build())
          .add(Conv2dNormActivation.builder(32, 32, 3).noNorm().bias(c.lastConvBias())
              .activation(Activation.SILU).build())
          .add(Layers.maxPool2d(3, 2, 1, true))
          .add(Layers.adaptiveAvgPool2d(1, 1))
          .add(Layers.FLATTEN)
          .add(Layers.dropout(0.2))
          .add(Layers.linear(32, 24))
          .add(Activation.GELU.layer())
          .add(Layers.linear(24, 10)));
    }

    @Override
    public Tensor forward(Tensor input) {
      return body.forward(input);
    }
  }
}
