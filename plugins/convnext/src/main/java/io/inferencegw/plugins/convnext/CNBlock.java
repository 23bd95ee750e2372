package io.inferencegw.plugins.convnext;

import io.inferencegw.plugin.api.blocks.Activation;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Permute;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.StochasticDepth;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * torchvision's {@code convnext.CNBlock}: {@code x + stochastic_depth(layer_scale * block(x))}
 * with
 *
 * <pre>
 *   block  0 depthwise conv 7x7 (padding 3, bias), 1 Permute NCHW-&gt;NHWC,
 *          2 LayerNorm(dim, eps 1e-6), 3 Linear dim-&gt;4dim, 4 GELU, 5 Linear 4dim-&gt;dim,
 *          6 Permute NHWC-&gt;NCHW
 * </pre>
 *
 * and {@code layer_scale}, a {@code [dim, 1, 1]} parameter (initially {@code 1e-6}). Keys:
 * {@code layer_scale}, {@code block.0.*}, {@code block.2.*}, {@code block.3.*},
 * {@code block.5.*}. The layer scale and the residual are applied in place on the block's
 * output, which nobody else holds.
 */
public final class CNBlock extends Module implements Layer {

  private final Tensor layerScale;
  private final Sequential block;
  private final StochasticDepth stochasticDepth;

  public CNBlock(int dim, double layerScale, double stochasticDepthProb) {
    super();
    this.layerScale = torch.full(new long[] {dim, 1, 1}, new Scalar(layerScale));
    register_parameter("layer_scale", this.layerScale);
    block = register_module("block", new Sequential()
        .add(ConvNeXt.init(Layers.conv2d(dim, dim, 7, 1, 3, 1, dim, true)))
        .add(Permute.TO_CHANNELS_LAST)
        .add(Layers.layerNorm(dim, ConvNeXt.NORM_EPS))
        .add(ConvNeXt.init(Layers.linear(dim, 4 * dim)))
        .add(Activation.GELU.layer())
        .add(ConvNeXt.init(Layers.linear(4 * dim, dim)))
        .add(Permute.TO_CHANNELS_FIRST));
    stochasticDepth = register_module("stochastic_depth",
        new StochasticDepth(stochasticDepthProb, StochasticDepth.Mode.ROW));
  }

  public Tensor layerScale() {
    return layerScale;
  }

  public double stochasticDepthProb() {
    return stochasticDepth.p();
  }

  @Override
  public Tensor forward(Tensor input) {
    Tensor result = block.forward(input);
    result.mul_(layerScale);
    Tensor dropped = stochasticDepth.forward(result);
    Layers.release(result, dropped, input);
    dropped.add_(input);
    return dropped;
  }
}
