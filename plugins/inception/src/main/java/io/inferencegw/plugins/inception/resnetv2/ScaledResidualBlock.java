package io.inferencegw.plugins.inception.resnetv2;

import io.inferencegw.plugin.api.blocks.Branches;
import io.inferencegw.plugin.api.blocks.Layers;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The residual Inception blocks of Inception-ResNet v2 (Szegedy et al. 2016, figures 16, 17,
 * 19, 20): the branches' concatenation is projected back to the input's channels by a 1x1
 * convolution with bias ({@code conv2d}, no batch norm), scaled down (section 3.3: "scaling of
 * the residuals", 0.1 to 0.3), added to the input, and passed through a ReLU, as timm's
 * {@code out = self.conv2d(cat); out = out * self.scale + x; out = self.act(out)}.
 *
 * <p>Subclasses add their branches, then call {@link #projection} so that {@code conv2d} comes
 * after them in the state_dict, as in timm.
 */
public abstract class ScaledResidualBlock extends Branches {

  private final double scale;
  private final boolean relu;
  private Conv2dImpl conv2d;

  protected ScaledResidualBlock(double scale, boolean relu) {
    this.scale = scale;
    this.relu = relu;
  }

  /** Registers {@code conv2d}: 1x1 from the branches' channels back to the input's. */
  protected final void projection(int mixedChannels, int channels) {
    conv2d = register_module("conv2d", Layers.conv2d(mixedChannels, channels, 1, 1, 0));
  }

  /** The 1x1 projection {@code conv2d}. */
  public Conv2dImpl conv2d() {
    return conv2d;
  }

  @Override
  public Tensor forward(Tensor x) {
    // the concatenation is closed as soon as conv2d has read it
    Tensor out = Layers.chain(x, this::concatenate, conv2d::forward);
    // out * scale + x, the same float operations in place: no temporaries
    try (Scalar s = new Scalar(scale)) {
      out.mul_(s);
    }
    out.add_(x);
    if (relu) {
      out.relu_();
    }
    return out;
  }
}
