package io.inferencegw.plugins.squeezenet;

import static io.inferencegw.plugin.api.blocks.Layers.FLATTEN;
import static io.inferencegw.plugin.api.blocks.Layers.RELU;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Tensor;

/**
 * SqueezeNet (Iandola et al., 2016) as torchvision's {@code models/squeezenet.py}:
 * {@code features} = stem convolution, ReLU, then the {@link Stage}s of the version (max pools
 * with ceil mode and {@link Fire} modules); {@code classifier} = 0 dropout, 1 final 1x1
 * convolution to the classes, 2 ReLU, 3 adaptive average pool to 1x1; then flatten.
 *
 * <p>A fresh network is initialised as torchvision does: Kaiming-uniform convolutions with zero
 * bias, except the final convolution, N(0, 0.01).
 */
public final class SqueezeNet extends ClassifierModule {

  /** One entry of {@code features} after the stem convolution and its ReLU. */
  public sealed interface Stage permits Pool, FireSpec {}

  /** {@code nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)}. */
  public record Pool() implements Stage {}

  /** {@code Fire(inplanes, squeeze, expand1x1, expand3x3)}; inplanes follow from the previous. */
  public record FireSpec(int squeeze, int expand1x1, int expand3x3) implements Stage {
    int outChannels() {
      return expand1x1 + expand3x3;
    }
  }

  public static final Pool POOL = new Pool();

  public static FireSpec fire(int squeeze, int expand1x1, int expand3x3) {
    return new FireSpec(squeeze, expand1x1, expand3x3);
  }

  private final Sequential features;
  private final Sequential classifier;

  /**
   * @param stemChannels output channels of the first convolution
   * @param stemKernel its kernel size (stride 2, no padding)
   */
  public SqueezeNet(int stemChannels, int stemKernel, List<Stage> stages, int numClasses,
      double dropout) {
    Conv2dImpl stem = Layers.conv2d(3, stemChannels, stemKernel, 2, 0);
    Fire.initConv(stem);
    Sequential f = new Sequential().add(stem).add(RELU);
    int channels = stemChannels;
    for (Stage stage : stages) {
      if (stage instanceof FireSpec s) {
        f.add(new Fire(channels, s.squeeze(), s.expand1x1(), s.expand3x3()));
        channels = s.outChannels();
      } else {
        f.add(Layers.maxPool2d(3, 2, 0, true));
      }
    }
    features = register_module("features", f);
    Conv2dImpl finalConv = Layers.conv2d(channels, numClasses, 1, 1, 0);
    try (PointerScope scope = new PointerScope()) {
      Init.normal(finalConv.weight(), 0, 0.01);
      Init.constant(finalConv.bias(), 0);
    }
    classifier = register_module("classifier", new Sequential()
        .add(Layers.dropout(dropout))
        .add(finalConv)
        .add(RELU)
        .add(Layers.adaptiveAvgPool2d(1, 1)));
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, features, classifier, FLATTEN);
  }
}
