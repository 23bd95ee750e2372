package io.inferencegw.plugins.efficientnet;

import static io.inferencegw.plugin.api.blocks.ChannelRounding.makeDivisible;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Activation;
import io.inferencegw.plugin.api.blocks.Conv2dNormActivation;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.InvertedResidual;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * EfficientNet (Tan and Le, 2019) and EfficientNetV2 (2021) as torchvision's
 * {@code models/efficientnet.py}:
 *
 * <pre>
 *   features    0 conv3x3 stride 2 + BN + SiLU, 1..n one Sequential per {@link Stage} of
 *               MBConv or FusedMBConv blocks, n+1 conv1x1 + BN + SiLU (lastChannel, or 4x the
 *               last stage's width)
 *   avgpool     adaptive to 1x1, flatten
 *   classifier  0 dropout, 1 linear -&gt;numClasses
 * </pre>
 *
 * An MBConv is plugin-api's {@link InvertedResidual} ({@code block.0} expansion, absent for
 * ratio 1, {@code block.1} depthwise, {@code block.2} squeeze-excitation with SiLU and sigmoid
 * to {@code max(1, in / 4)} channels, {@code block.3} projection); a FusedMBConv is
 * {@link FusedMBConv}. Block {@code i} of {@code N} has stochastic depth probability
 * {@code p * i / N} (the identity in eval mode). A fresh network is initialised as
 * torchvision's: convolutions Kaiming-normal (fan_out), biases 0, the linear layer
 * U(+-1/sqrt(numClasses)).
 */
public final class EfficientNet extends ClassifierModule {

  private static final Functional AVGPOOL = Layers.adaptiveAvgPool2d(1, 1);

  /** BatchNorm arguments: torchvision passes eps 1e-3 (and momentum 0.01) for B5-B7 and V2. */
  public record Norm(double eps, double momentum) {
    public static final Norm DEFAULT = new Norm(Layers.BN_EPS, Layers.BN_MOMENTUM);

    Conv2dNormActivation cna(int in, int out, int kernel, int stride, Activation activation) {
      return Conv2dNormActivation.builder(in, out, kernel).stride(stride).normEps(eps)
          .normMomentum(momentum).activation(activation).build();
    }
  }

  /**
   * One stage, torchvision's {@code MBConvConfig} / {@code FusedMBConvConfig} after width and
   * depth scaling: block type, expansion ratio, kernel, stride of the first block, input and
   * output channels, number of blocks.
   */
  public record Stage(boolean fused, double expandRatio, int kernel, int stride, int input,
      int output, int layers) {

    /** {@code MBConvConfig(...)} for the B series: channels and depth scaled. */
    public static Stage mbconv(double expandRatio, int kernel, int stride, int input, int output,
        int layers, double widthMult, double depthMult) {
      return new Stage(false, expandRatio, kernel, stride, adjustChannels(input, widthMult),
          adjustChannels(output, widthMult), adjustDepth(layers, depthMult));
    }

    /** {@code MBConvConfig(...)} of the V2 tables, unscaled. */
    public static Stage mbconv(double expandRatio, int kernel, int stride, int input, int output,
        int layers) {
      return mbconv(expandRatio, kernel, stride, input, output, layers, 1.0, 1.0);
    }

    /** {@code FusedMBConvConfig(...)}. */
    public static Stage fused(double expandRatio, int kernel, int stride, int input, int output,
        int layers) {
      return new Stage(true, expandRatio, kernel, stride, input, output, layers);
    }

    /** {@code adjust_channels(in, expand_ratio)}. */
    int expandedChannels(int in) {
      return adjustChannels(in, expandRatio);
    }

    /** MBConv block for input width {@code in}; the first block of a stage takes its stride. */
    InvertedResidual.Builder mbconv(int in, int stride, double sdProb, Norm norm) {
      return InvertedResidual.builder(in, expandedChannels(in), output)
          .kernel(kernel).stride(stride).activation(Activation.SILU)
          .norm(norm.eps(), norm.momentum())
          .squeezeExcitation(Math.max(1, in / 4), Activation.SILU, Activation.SIGMOID)
          .stochasticDepth(sdProb);
    }
  }

  /** {@code _MBConvConfig.adjust_channels}: scaled, rounded to a multiple of 8. */
  static int adjustChannels(int channels, double widthMult) {
    return makeDivisible(channels * widthMult, 8);
  }

  /** {@code MBConvConfig.adjust_depth}: {@code ceil(layers * depthMult)}. */
  static int adjustDepth(int layers, double depthMult) {
    return (int) Math.ceil(layers * depthMult);
  }

  private final Sequential features;
  private final Sequential classifier;
  private final List<Double> stochasticDepthProbs = new ArrayList<>();

  /**
   * @param setting the stages
   * @param lastChannel width of the final 1x1 convolution, or 0 for 4x the last stage's width
   */
  public EfficientNet(List<Stage> setting, double dropout, double stochasticDepthProb,
      int numClasses, Norm norm, int lastChannel) {
    super();
    Sequential f = new Sequential();
    int first = setting.get(0).input();
    f.add(norm.cna(3, first, 3, 2, Activation.SILU));
    int total = setting.stream().mapToInt(Stage::layers).sum();
    int blockId = 0;
    for (Stage cnf : setting) {
      Sequential stage = new Sequential();
      for (int i = 0; i < cnf.layers(); i++) {
        int in = i == 0 ? cnf.input() : cnf.output();
        int stride = i == 0 ? cnf.stride() : 1;
        double sdProb = stochasticDepthProb * blockId / total;
        stochasticDepthProbs.add(sdProb);
        if (cnf.fused()) {
          stage.add(new FusedMBConv(cnf, in, stride, sdProb, norm));
        } else {
          stage.add(cnf.mbconv(in, stride, sdProb, norm).build());
        }
        blockId++;
      }
      f.add(stage);
    }
    int lastIn = setting.get(setting.size() - 1).output();
    int lastOut = lastOutput(setting, lastChannel);
    f.add(norm.cna(lastIn, lastOut, 1, 1, Activation.SILU));
    features = register_module("features", f);
    classifier = register_module("classifier", new Sequential()
        .add(Layers.dropout(dropout))
        .add(Layers.linear(lastOut, numClasses)));
    double range = 1.0 / Math.sqrt(numClasses);
    Init.convolutionsAndLinears(this,
        w -> org.bytedeco.pytorch.global.torch.uniform_(w, -range, range));
  }

  /** The stochastic depth probability of every block, in order (training only). */
  public List<Double> stochasticDepthProbs() {
    return List.copyOf(stochasticDepthProbs);
  }

  private static int lastOutput(List<Stage> setting, int lastChannel) {
    return lastChannel > 0 ? lastChannel : 4 * setting.get(setting.size() - 1).output();
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, features, AVGPOOL, Layers.FLATTEN, classifier);
  }
}
