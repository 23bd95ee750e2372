package io.inferencegw.plugins.regnet;

import io.inferencegw.plugin.api.blocks.Activation;
import io.inferencegw.plugin.api.blocks.Conv2dNormActivation;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.NamedSequential;
import io.inferencegw.plugin.api.blocks.SqueezeExcitation;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's {@code regnet.ResBottleneckBlock}: {@code relu(proj(x) + f(x))}, or
 * {@code relu(x + f(x))} where the shape stays, with {@code f} the
 * {@code BottleneckTransform}:
 *
 * <pre>
 *   proj   conv1x1 (stride) + BN, where the width or the size changes
 *   f.a    conv1x1 -&gt; w_b + BN + ReLU        (w_b = round(w_out * b))
 *   f.b    conv3x3 (stride, w_b / group_width groups) + BN + ReLU
 *   f.se   squeeze-excitation to round(se_ratio * w_in) channels, ReLU and sigmoid (RegNetY)
 *   f.c    conv1x1 -&gt; w_out + BN
 * </pre>
 *
 * BatchNorm eps 1e-5, momentum 0.1. The sum and the ReLU are taken in place on {@code f}'s
 * output.
 */
public final class ResBottleneckBlock extends Module implements Layer {

  private final Conv2dNormActivation proj;
  private final NamedSequential f;

  public ResBottleneckBlock(int widthIn, int widthOut, int stride, int groupWidth,
      double bottleneckMultiplier, double seRatio) {
    super();
    int wb = bottleneckWidth(widthOut, bottleneckMultiplier);
    int groups = wb / groupWidth;
    if (widthIn != widthOut || stride != 1) {
      proj = register_module("proj", Conv2dNormActivation.builder(widthIn, widthOut, 1)
          .stride(stride).activation(null).build());
    } else {
      proj = null;
    }
    NamedSequential transform = new NamedSequential()
        .add("a", new Conv2dNormActivation(widthIn, wb, 1))
        .add("b", Conv2dNormActivation.builder(wb, wb, 3).stride(stride).groups(groups).build());
    if (seRatio > 0) {
      transform.add("se", new SqueezeExcitation(wb, seWidth(widthIn, seRatio),
          Activation.RELU, Activation.SIGMOID));
    }
    transform.add("c", Conv2dNormActivation.builder(wb, widthOut, 1).activation(null).build());
    f = register_module("f", transform);
  }

  /** {@code int(round(width_out * bottleneck_multiplier))}. */
  static int bottleneckWidth(int widthOut, double bottleneckMultiplier) {
    return (int) Math.rint(widthOut * bottleneckMultiplier);
  }

  /** {@code int(round(se_ratio * width_in))}, Python's round (half to even). */
  static int seWidth(int widthIn, double seRatio) {
    return (int) Math.rint(seRatio * widthIn);
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor out = f.forward(x);
    if (proj != null) {
      Tensor shortcut = proj.forward(x);
      out.add_(shortcut);
      shortcut.close();
    } else {
      out.add_(x);
    }
    out.relu_();
    return out;
  }
}
