package io.inferencegw.plugins.mnasnet;

import static io.inferencegw.plugin.api.blocks.ChannelRounding.makeDivisible;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Activation;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.InvertedResidual;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * MNASNet B1 (Tan et al., 2018) as torchvision's {@code models/mnasnet.py} (version 2, with the
 * stem scaled by {@code alpha}):
 *
 * <pre>
 *   layers      0 conv3x3 stride 2 (3-&gt;d0), 1 BN, 2 ReLU, 3 depthwise 3x3, 4 BN, 5 ReLU,
 *               6 conv1x1 (d0-&gt;d1), 7 BN, 8..13 stacks of inverted residuals ({@link #STACKS}),
 *               14 conv1x1 (-&gt;1280), 15 BN, 16 ReLU
 *   global mean over H and W;  classifier  0 dropout, 1 linear 1280-&gt;numClasses
 * </pre>
 *
 * The widths d0..d7 are {@code 32, 16, 24, 40, 80, 96, 192, 320} times {@code alpha}, rounded
 * to multiples of 8 (up unless that overshoots by more than 10%). An inverted residual is
 * plugin-api's {@link InvertedResidual} in MNASNet's flat {@code layers.N} layout. Every
 * BatchNorm has eps 1e-5 and momentum {@code 1 - 0.9997 = 0.0003} (TensorFlow's decay 0.9997,
 * as in the paper; only training uses it). A fresh network is initialised as torchvision's:
 * convolutions Kaiming-normal (fan_out, ReLU), the linear layer Kaiming-uniform (fan_out,
 * sigmoid gain 1) with bias 0.
 */
public final class MNASNet extends ClassifierModule {

  /** torchvision's {@code _BN_MOMENTUM}: 1 - TensorFlow's 0.9997. */
  public static final double BN_MOMENTUM = 1 - 0.9997;
  static final int[] DEPTHS = {32, 16, 24, 40, 80, 96, 192, 320};
  static final int HEAD = 1280;

  /** One {@code _stack}: kernel, stride of the first block, expansion factor, repeats. */
  public record Stack(int kernel, int stride, int expansion, int repeats) {}

  /** Stacks from d1-&gt;d2 to d6-&gt;d7, as torchvision's constructor. */
  public static final List<Stack> STACKS = List.of(
      new Stack(3, 2, 3, 3),
      new Stack(5, 2, 3, 3),
      new Stack(5, 2, 6, 3),
      new Stack(3, 1, 6, 2),
      new Stack(5, 2, 6, 4),
      new Stack(3, 1, 6, 1));

  private static final long[] HW = {2, 3};
  private static final Functional GLOBAL_MEAN = new Functional("mean([2, 3])", x -> x.mean(HW));

  private final Sequential layers;
  private final Sequential classifier;

  public MNASNet(double alpha, int numClasses, double dropout) {
    super();
    if (alpha <= 0) {
      throw new IllegalArgumentException("alpha should be greater than 0.0, got " + alpha);
    }
    int[] d = depths(alpha);
    Sequential l = new Sequential()
        .add(Layers.conv2d(3, d[0], 3, 2, 1, 1, 1, false))
        .add(Layers.batchNorm2d(d[0], Layers.BN_EPS, BN_MOMENTUM))
        .add(Layers.RELU)
        .add(Layers.conv2d(d[0], d[0], 3, 1, 1, 1, d[0], false))
        .add(Layers.batchNorm2d(d[0], Layers.BN_EPS, BN_MOMENTUM))
        .add(Layers.RELU)
        .add(Layers.conv2d(d[0], d[1], 1, 1, 0, 1, 1, false))
        .add(Layers.batchNorm2d(d[1], Layers.BN_EPS, BN_MOMENTUM));
    for (List<InvertedResidual.Builder> stack : stacks(d)) {
      Sequential s = new Sequential();
      stack.forEach(b -> s.add(b.build()));
      l.add(s);
    }
    l.add(Layers.conv2d(d[7], HEAD, 1, 1, 0, 1, 1, false))
        .add(Layers.batchNorm2d(HEAD, Layers.BN_EPS, BN_MOMENTUM))
        .add(Layers.RELU);
    layers = register_module("layers", l);
    classifier = register_module("classifier", new Sequential()
        .add(Layers.dropout(dropout))
        .add(Layers.linear(HEAD, numClasses)));
    // kaiming_uniform_(mode="fan_out", nonlinearity="sigmoid"): U(+-sqrt(3 / fan_out))
    double bound = Math.sqrt(3.0 / numClasses);
    Init.convolutionsAndLinears(this, w -> torch.uniform_(w, -bound, bound));
  }

  /** {@code _get_depths(alpha)}. */
  static int[] depths(double alpha) {
    int[] d = new int[DEPTHS.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = makeDivisible(DEPTHS[i] * alpha, 8);
    }
    return d;
  }

  /** The blocks of each {@code _stack}; the first of a stack has its stride and no skip. */
  static List<List<InvertedResidual.Builder>> stacks(int[] d) {
    List<List<InvertedResidual.Builder>> stacks = new ArrayList<>();
    for (int s = 0; s < STACKS.size(); s++) {
      Stack stack = STACKS.get(s);
      List<InvertedResidual.Builder> blocks = new ArrayList<>();
      for (int i = 0; i < stack.repeats(); i++) {
        int in = i == 0 ? d[s + 1] : d[s + 2];
        blocks.add(InvertedResidual.builder(in, in * stack.expansion(), d[s + 2])
            .kernel(stack.kernel())
            .stride(i == 0 ? stack.stride() : 1)
            .activation(Activation.RELU)
            .norm(Layers.BN_EPS, BN_MOMENTUM)
            .layout(InvertedResidual.Layout.LAYERS));
      }
      stacks.add(blocks);
    }
    return stacks;
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, layers, GLOBAL_MEAN, classifier);
  }
}
