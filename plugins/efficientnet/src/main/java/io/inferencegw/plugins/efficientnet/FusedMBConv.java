package io.inferencegw.plugins.efficientnet;

import io.inferencegw.plugin.api.blocks.Activation;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.StochasticDepth;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's {@code efficientnet.FusedMBConv} (EfficientNetV2, Tan and Le, 2021): the
 * expansion and the depthwise convolution of an MBConv fused into one regular {@code k x k}
 * convolution. {@code block.0} is that convolution (stride, BN, SiLU) to the expanded width and
 * {@code block.1} the linear 1x1 projection (BN, no activation); with expansion ratio 1 there is
 * only {@code block.0}, straight to the output width. The input is added after
 * {@link StochasticDepth} where stride 1 keeps the shape.
 */
public final class FusedMBConv extends Module implements Layer {

  private final Sequential block;
  private final StochasticDepth stochasticDepth;
  private final boolean useResidual;

  public FusedMBConv(EfficientNet.Stage cnf, int in, int stride, double stochasticDepthProb,
      EfficientNet.Norm norm) {
    super();
    int out = cnf.output();
    int expanded = cnf.expandedChannels(in);
    useResidual = stride == 1 && in == out;
    Sequential b = new Sequential();
    if (expanded != in) {
      b.add(norm.cna(in, expanded, cnf.kernel(), stride, Activation.SILU));
      b.add(norm.cna(expanded, out, 1, 1, null));
    } else {
      b.add(norm.cna(in, out, cnf.kernel(), stride, Activation.SILU));
    }
    block = register_module("block", b);
    stochasticDepth = register_module("stochastic_depth",
        new StochasticDepth(stochasticDepthProb, StochasticDepth.Mode.ROW));
  }

  public StochasticDepth stochasticDepth() {
    return stochasticDepth;
  }

  @Override
  public Tensor forward(Tensor input) {
    Tensor result = block.forward(input);
    if (!useResidual) {
      return result;
    }
    Tensor dropped = stochasticDepth.forward(result);
    Layers.release(result, dropped, input);
    dropped.add_(input);
    return dropped;
  }
}
