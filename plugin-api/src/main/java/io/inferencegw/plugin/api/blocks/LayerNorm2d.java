package io.inferencegw.plugin.api.blocks;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * torchvision's {@code convnext.LayerNorm2d}: a LayerNorm over the channels of an NCHW tensor,
 * computed exactly as torchvision does, by permuting to NHWC, normalising the last dimension and
 * permuting back (both permutes are views; the result is laid out channels-last in memory, as
 * torchvision's). Its parameters are its own {@code weight} and {@code bias} ({@code [C]}, one
 * and zero initially), so a norm registered as {@code features.0.1} has the keys
 * {@code features.0.1.weight} and {@code features.0.1.bias}.
 */
public final class LayerNorm2d extends Module implements Layer {

  private static final long[] TO_NHWC = {0, 2, 3, 1};
  private static final long[] TO_NCHW = {0, 3, 1, 2};

  private final long[] normalizedShape;
  private final double eps;
  private final Tensor weight;
  private final Tensor bias;
  private final TensorOptional weightOptional;
  private final TensorOptional biasOptional;

  public LayerNorm2d(int channels, double eps) {
    super();
    this.normalizedShape = new long[] {channels};
    this.eps = eps;
    // Keep the handles of the tensors passed in, which share their storage with the registered
    // parameters: the reference register_parameter returns points into the module's parameter
    // dict and dangles once the next parameter is registered.
    weight = torch.ones(channels);
    bias = torch.zeros(channels);
    register_parameter("weight", weight);
    register_parameter("bias", bias);
    weightOptional = new TensorOptional(weight);
    biasOptional = new TensorOptional(bias);
  }

  public Tensor weight() {
    return weight;
  }

  public Tensor bias() {
    return bias;
  }

  public double eps() {
    return eps;
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor nhwc = x.permute(TO_NHWC);
    Tensor normalized =
        torch.layer_norm(nhwc, normalizedShape, weightOptional, biasOptional, eps, true);
    nhwc.close();
    Tensor out = normalized.permute(TO_NCHW);
    normalized.close();
    return out;
  }

  @Override
  public String toString() {
    return "LayerNorm2d((" + normalizedShape[0] + ",), eps=" + eps + ")";
  }
}
