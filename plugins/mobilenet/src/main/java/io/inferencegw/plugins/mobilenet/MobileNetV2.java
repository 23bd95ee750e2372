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
 * MobileNetV2 (Sandler et al., 2018) as torchvision's {@code models/mobilenetv2.py}:
 *
 * <pre>
 *   features    0 conv3x3 stride 2 + BN + ReLU6 (32), 1..17 inverted residuals from
 *               {@link #SETTING}, 18 conv1x1 + BN + ReLU6 (1280)
 *   avgpool     adaptive to 1x1, flatten
 *   classifier  0 dropout, 1 linear 1280-&gt;numClasses
 * </pre>
 *
 * Each inverted residual is {@code conv.0} (1x1 expansion + BN + ReLU6, absent for ratio 1),
 * {@code conv.1} (depthwise 3x3 + BN + ReLU6), {@code conv.2} (linear 1x1) and {@code conv.3}
 * (BN), with the input added where stride 1 keeps the shape. Channels are scaled by
 * {@code widthMult} and rounded to multiples of 8; BatchNorm eps 1e-5, momentum 0.1. A fresh
 * network is initialised as torchvision's: convolutions Kaiming-normal (fan_out), biases 0,
 * the linear layer N(0, 0.01).
 */
public final class MobileNetV2 extends ClassifierModule {

  /** One row of the paper's Table 2: expansion t, output channels c, repeats n, stride s. */
  public record Stage(int t, int c, int n, int s) {}

  /** torchvision's {@code inverted_residual_setting}. */
  public static final List<Stage> SETTING = List.of(
      new Stage(1, 16, 1, 1),
      new Stage(6, 24, 2, 2),
      new Stage(6, 32, 3, 2),
      new Stage(6, 64, 4, 2),
      new Stage(6, 96, 3, 1),
      new Stage(6, 160, 3, 2),
      new Stage(6, 320, 1, 1));

  static final int INPUT_CHANNEL = 32;
  static final int LAST_CHANNEL = 1280;
  static final int ROUND_NEAREST = 8;
  private static final Functional AVGPOOL = Layers.adaptiveAvgPool2d(1, 1);

  private final Sequential features;
  private final Sequential classifier;

  public MobileNetV2(int numClasses, double widthMult, double dropout) {
    super();
    int input = makeDivisible(INPUT_CHANNEL * widthMult, ROUND_NEAREST);
    int last = makeDivisible(LAST_CHANNEL * Math.max(1.0, widthMult), ROUND_NEAREST);
    Sequential f = new Sequential();
    f.add(cna(3, input, 3, 2));
    for (InvertedResidual.Builder block : blocks(widthMult)) {
      f.add(block.build());
    }
    f.add(cna(lastBlockChannels(widthMult), last, 1, 1));
    features = register_module("features", f);
    classifier = register_module("classifier", new Sequential()
        .add(Layers.dropout(dropout))
        .add(Layers.linear(last, numClasses)));
    Init.convolutionsAndLinears(this, w -> Init.normal(w, 0, 0.01));
  }

  /** The inverted residuals of {@link #SETTING}, in order. */
  static List<InvertedResidual.Builder> blocks(double widthMult) {
    int input = makeDivisible(INPUT_CHANNEL * widthMult, ROUND_NEAREST);
    List<InvertedResidual.Builder> blocks = new java.util.ArrayList<>();
    for (Stage stage : SETTING) {
      int output = makeDivisible(stage.c() * widthMult, ROUND_NEAREST);
      for (int i = 0; i < stage.n(); i++) {
        blocks.add(InvertedResidual.builder(input, (int) Math.round(input * (double) stage.t()),
                output)
            .stride(i == 0 ? stage.s() : 1)
            .activation(Activation.RELU6)
            .layout(InvertedResidual.Layout.CONV));
        input = output;
      }
    }
    return blocks;
  }

  private static int lastBlockChannels(double widthMult) {
    return makeDivisible(SETTING.get(SETTING.size() - 1).c() * widthMult, ROUND_NEAREST);
  }

  private static Conv2dNormActivation cna(int in, int out, int kernel, int stride) {
    return Conv2dNormActivation.builder(in, out, kernel).stride(stride)
        .activation(Activation.RELU6).build();
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, features, AVGPOOL, Layers.FLATTEN, classifier);
  }
}
