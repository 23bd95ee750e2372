package io.inferencegw.plugins.mobilenet;

import static io.inferencegw.plugin.api.blocks.ChannelRounding.makeDivisible;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Activation;
import io.inferencegw.plugin.api.blocks.Conv2dNormActivation;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.InvertedResidual;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * MobileNetV3 (Howard et al., 2019) as torchvision's {@code models/mobilenetv3.py}:
 *
 * <pre>
 *   features    0 conv3x3 stride 2 + BN + Hardswish, 1..n inverted residuals ("bneck", one per
 *               {@link Bneck} row), n+1 conv1x1 + BN + Hardswish (6x the last bneck's output)
 *   avgpool     adaptive to 1x1, flatten
 *   classifier  0 linear -&gt;lastChannel, 1 Hardswish, 2 dropout, 3 linear -&gt;numClasses
 * </pre>
 *
 * Each bneck is {@code block.0} (1x1 expansion, absent where the expansion keeps the width),
 * {@code block.1} (depthwise), {@code block.2} (squeeze-excitation with ReLU and Hardsigmoid,
 * {@code make_divisible(expanded / 4, 8)} channels, where the row asks for it) and the linear
 * 1x1 projection, each convolution with BatchNorm (eps 1e-3, momentum 0.01) and ReLU or
 * Hardswish as the row says. Fresh weights as torchvision's: convolutions Kaiming-normal
 * (fan_out), biases 0, linear layers N(0, 0.01).
 */
public final class MobileNetV3 extends ClassifierModule {

  static final double NORM_EPS = 1e-3;
  static final double NORM_MOMENTUM = 0.01;
  private static final Functional AVGPOOL = Layers.adaptiveAvgPool2d(1, 1);

  /**
   * One row of the paper's Tables 1 and 2 ({@code InvertedResidualConfig}), channels before
   * width scaling: input, kernel, expanded, output, squeeze-excitation, Hardswish (else ReLU),
   * stride, dilation.
   */
  public record Bneck(int input, int kernel, int expanded, int output, boolean se, boolean hs,
      int stride, int dilation) {

    /** The block, channels scaled by {@code widthMult} and rounded to multiples of 8. */
    InvertedResidual.Builder builder(double widthMult) {
      int in = adjust(input, widthMult);
      int exp = adjust(expanded, widthMult);
      InvertedResidual.Builder b = InvertedResidual.builder(in, exp, adjust(output, widthMult))
          .kernel(kernel)
          .stride(dilation > 1 ? 1 : stride)
          .dilation(dilation)
          .activation(hs ? Activation.HARDSWISH : Activation.RELU)
          .norm(NORM_EPS, NORM_MOMENTUM);
      if (se) {
        b.squeezeExcitation(makeDivisible(exp / 4, 8), Activation.RELU, Activation.HARDSIGMOID);
      }
      return b;
    }
  }

  /** torchvision's {@code _mobilenet_v3_conf("mobilenet_v3_large")}. */
  public static final List<Bneck> LARGE = List.of(
      new Bneck(16, 3, 16, 16, false, false, 1, 1),
      new Bneck(16, 3, 64, 24, false, false, 2, 1),
      new Bneck(24, 3, 72, 24, false, false, 1, 1),
      new Bneck(24, 5, 72, 40, true, false, 2, 1),
      new Bneck(40, 5, 120, 40, true, false, 1, 1),
      new Bneck(40, 5, 120, 40, true, false, 1, 1),
      new Bneck(40, 3, 240, 80, false, true, 2, 1),
      new Bneck(80, 3, 200, 80, false, true, 1, 1),
      new Bneck(80, 3, 184, 80, false, true, 1, 1),
      new Bneck(80, 3, 184, 80, false, true, 1, 1),
      new Bneck(80, 3, 480, 112, true, true, 1, 1),
      new Bneck(112, 3, 672, 112, true, true, 1, 1),
      new Bneck(112, 5, 672, 160, true, true, 2, 1),
      new Bneck(160, 5, 960, 160, true, true, 1, 1),
      new Bneck(160, 5, 960, 160, true, true, 1, 1));

  /** Penultimate width of the large model, before width scaling. */
  public static final int LARGE_LAST_CHANNEL = 1280;

  /** torchvision's {@code _mobilenet_v3_conf("mobilenet_v3_small")}. */
  public static final List<Bneck> SMALL = List.of(
      new Bneck(16, 3, 16, 16, true, false, 2, 1),
      new Bneck(16, 3, 72, 24, false, false, 2, 1),
      new Bneck(24, 3, 88, 24, false, false, 1, 1),
      new Bneck(24, 5, 96, 40, true, true, 2, 1),
      new Bneck(40, 5, 240, 40, true, true, 1, 1),
      new Bneck(40, 5, 240, 40, true, true, 1, 1),
      new Bneck(40, 5, 120, 48, true, true, 1, 1),
      new Bneck(48, 5, 144, 48, true, true, 1, 1),
      new Bneck(48, 5, 288, 96, true, true, 2, 1),
      new Bneck(96, 5, 576, 96, true, true, 1, 1),
      new Bneck(96, 5, 576, 96, true, true, 1, 1));

  /** Penultimate width of the small model, before width scaling. */
  public static final int SMALL_LAST_CHANNEL = 1024;

  private final Sequential features;
  private final Sequential classifier;

  public MobileNetV3(List<Bneck> setting, int lastChannel, double widthMult, int numClasses,
      double dropout) {
    super();
    int firstOut = adjust(setting.get(0).input(), widthMult);
    int lastIn = adjust(setting.get(setting.size() - 1).output(), widthMult);
    int lastOut = 6 * lastIn;
    int penultimate = adjust(lastChannel, widthMult);
    Sequential f = new Sequential();
    f.add(cna(3, firstOut, 3, 2));
    for (Bneck row : setting) {
      f.add(row.builder(widthMult).build());
    }
    f.add(cna(lastIn, lastOut, 1, 1));
    features = register_module("features", f);
    classifier = register_module("classifier", new Sequential()
        .add(Layers.linear(lastOut, penultimate))
        .add(Activation.HARDSWISH.layer())
        .add(Layers.dropout(dropout))
        .add(Layers.linear(penultimate, numClasses)));
    Init.convolutionsAndLinears(this, w -> Init.normal(w, 0, 0.01));
  }

  static int adjust(int channels, double widthMult) {
    return makeDivisible(channels * widthMult, 8);
  }

  private static Conv2dNormActivation cna(int in, int out, int kernel, int stride) {
    return Conv2dNormActivation.builder(in, out, kernel).stride(stride)
        .normEps(NORM_EPS).normMomentum(NORM_MOMENTUM).activation(Activation.HARDSWISH).build();
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, features, AVGPOOL, Layers.FLATTEN, classifier);
  }
}
