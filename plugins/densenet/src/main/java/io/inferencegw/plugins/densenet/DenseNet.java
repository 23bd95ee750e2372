package io.inferencegw.plugins.densenet;

import static io.inferencegw.plugin.api.blocks.Layers.FLATTEN;
import static io.inferencegw.plugin.api.blocks.Layers.RELU;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.NamedSequential;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * DenseNet-BC (Huang et al., 2016) as torchvision's {@code DenseNet(growth_rate, block_config,
 * num_init_features, bn_size=4, drop_rate=0)}:
 *
 * <pre>
 *   features   conv0 (7x7/2), norm0, relu0, pool0 (3x3/2 max),
 *              denseblock1, transition1, ..., denseblock4, norm5
 *   then       ReLU, adaptive average pool to 1x1, flatten, classifier (linear)
 * </pre>
 *
 * Each {@code transitionN} is batch norm, ReLU, 1x1 convolution halving the channels and a 2x2
 * average pool ({@code norm, relu, conv, pool}). A fresh network is initialised as
 * torchvision's: convolutions {@code kaiming_normal_} (fan_in, ReLU gain), batch norms 1 and 0,
 * the classifier's bias 0.
 */
public final class DenseNet extends ClassifierModule {

  private static final Functional POOL0 = Layers.maxPool2d(3, 2, 1, false);
  private static final Functional AVGPOOL = Layers.adaptiveAvgPool2d(1, 1);
  private static final Functional TRANSITION_POOL = new Functional(
      "AvgPool2d(kernel_size=2, stride=2, padding=0)",
      x -> torch.avg_pool2d(x, new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0},
          false, true, new LongOptional()));

  /**
   * torchvision's constructor arguments.
   *
   * @param growthRate feature maps each dense layer adds ({@code k} in the paper)
   * @param blockConfig dense layers in each of the four blocks
   * @param numInitFeatures output channels of the first convolution
   * @param bnSize the bottleneck is {@code bnSize * growthRate} channels wide
   */
  public record Config(int growthRate, List<Integer> blockConfig, int numInitFeatures,
      int bnSize) {
    public Config {
      blockConfig = List.copyOf(blockConfig);
    }

    public Config(int growthRate, int numInitFeatures, Integer... blockConfig) {
      this(growthRate, List.of(blockConfig), numInitFeatures, 4);
    }
  }

  private final NamedSequential features;
  private final LinearImpl classifier;

  public DenseNet(Config config, double dropRate, int numClasses) {
    NamedSequential f = new NamedSequential()
        .add("conv0", init(Layers.conv2d(3, config.numInitFeatures(), 7, 2, 3, 1, 1, false)))
        .add("norm0", Layers.batchNorm2d(config.numInitFeatures()))
        .add("relu0", RELU)
        .add("pool0", POOL0);
    int numFeatures = config.numInitFeatures();
    List<Integer> blocks = config.blockConfig();
    for (int i = 0; i < blocks.size(); i++) {
      DenseBlock block = new DenseBlock(
          blocks.get(i), numFeatures, config.bnSize(), config.growthRate(), dropRate);
      f.add("denseblock" + (i + 1), block);
      numFeatures = block.outputFeatures();
      if (i != blocks.size() - 1) {
        f.add("transition" + (i + 1), transition(numFeatures, numFeatures / 2));
        numFeatures /= 2;
      }
    }
    f.add("norm5", Layers.batchNorm2d(numFeatures));
    features = register_module("features", f);
    classifier = register_module("classifier", Layers.linear(numFeatures, numClasses));
    try (PointerScope scope = new PointerScope()) {
      Init.constant(classifier.bias(), 0);
    }
  }

  /** torchvision's {@code _Transition}: norm, relu, conv (1x1, halving), pool (2x2 average). */
  static NamedSequential transition(int numInputFeatures, int numOutputFeatures) {
    return new NamedSequential()
        .add("norm", Layers.batchNorm2d(numInputFeatures))
        .add("relu", RELU)
        .add("conv", init(Layers.conv2d(numInputFeatures, numOutputFeatures, 1, 1, 0, 1, 1,
            false)))
        .add("pool", TRANSITION_POOL);
  }

  /** {@code kaiming_normal_(w)} with its defaults: N(0, 2 / fan_in). */
  static Conv2dImpl init(Conv2dImpl conv) {
    try (PointerScope scope = new PointerScope()) {
      Init.normal(conv.weight(), 0, Math.sqrt(2.0 / Init.fanIn(conv.weight())));
    }
    return conv;
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, features, RELU, AVGPOOL, FLATTEN, classifier::forward);
  }
}
