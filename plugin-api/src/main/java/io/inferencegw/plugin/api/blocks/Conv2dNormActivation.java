package io.inferencegw.plugin.api.blocks;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;

/**
 * torchvision's {@code ops.Conv2dNormActivation}: a {@link Sequential} of a convolution
 * ({@code 0}), a batch norm ({@code 1}, unless disabled) and an activation (unless disabled).
 * Defaults as torchvision: padding {@code (kernel - 1) / 2 * dilation}, BatchNorm2d with eps
 * 1e-5 and momentum 0.1, ReLU, and a convolution bias only when there is no norm layer.
 *
 * <pre>{@code
 * new Conv2dNormActivation(in, out, 3)                                  // conv3x3-BN-ReLU
 * Conv2dNormActivation.builder(in, out, 3).stride(2).groups(in)
 *     .normEps(1e-3).normMomentum(0.01).activation(Activation.HARDSWISH).build()
 * }</pre>
 */
public class Conv2dNormActivation extends Sequential {

  private final Conv2dImpl conv;
  private final BatchNorm2dImpl norm;
  private final int outChannels;

  public Conv2dNormActivation(int inChannels, int outChannels, int kernelSize) {
    this(builder(inChannels, outChannels, kernelSize));
  }

  private Conv2dNormActivation(Builder b) {
    int padding = b.padding != null ? b.padding : (b.kernelSize - 1) / 2 * b.dilation;
    boolean bias = b.bias != null ? b.bias : !b.batchNorm;
    outChannels = b.outChannels;
    Conv2dImpl c = Layers.conv2d(
        b.inChannels, b.outChannels, b.kernelSize, b.stride, padding, b.dilation, b.groups, bias);
    conv = add(c, c::forward, "Conv2d");
    if (b.batchNorm) {
      BatchNorm2dImpl n = Layers.batchNorm2d(b.outChannels, b.normEps, b.normMomentum);
      norm = add(n, n::forward, "BatchNorm2d");
    } else {
      norm = null;
    }
    if (b.activation != null) {
      add(b.activation.layer());
    }
  }

  public static Builder builder(int inChannels, int outChannels, int kernelSize) {
    return new Builder(inChannels, outChannels, kernelSize);
  }

  /** The convolution, child {@code 0}. */
  public Conv2dImpl conv() {
    return conv;
  }

  /** The batch norm, child {@code 1}, or null without one. */
  public BatchNorm2dImpl norm() {
    return norm;
  }

  public int outChannels() {
    return outChannels;
  }

  /** The arguments of torchvision's constructor, with its defaults. */
  public static final class Builder {
    private final int inChannels;
    private final int outChannels;
    private final int kernelSize;
    private int stride = 1;
    private Integer padding;
    private int groups = 1;
    private int dilation = 1;
    private boolean batchNorm = true;
    private double normEps = Layers.BN_EPS;
    private double normMomentum = Layers.BN_MOMENTUM;
    private Activation activation = Activation.RELU;
    private Boolean bias;

    private Builder(int inChannels, int outChannels, int kernelSize) {
      this.inChannels = inChannels;
      this.outChannels = outChannels;
      this.kernelSize = kernelSize;
    }

    public Builder stride(int stride) {
      this.stride = stride;
      return this;
    }

    /** Explicit padding; by default {@code (kernel - 1) / 2 * dilation}. */
    public Builder padding(int padding) {
      this.padding = padding;
      return this;
    }

    public Builder groups(int groups) {
      this.groups = groups;
      return this;
    }

    public Builder dilation(int dilation) {
      this.dilation = dilation;
      return this;
    }

    /** {@code norm_layer=None}. */
    public Builder noNorm() {
      this.batchNorm = false;
      return this;
    }

    /** {@code norm_layer=partial(nn.BatchNorm2d, eps=...)}. */
    public Builder normEps(double eps) {
      this.normEps = eps;
      return this;
    }

    public Builder normMomentum(double momentum) {
      this.normMomentum = momentum;
      return this;
    }

    /** The activation, or null for {@code activation_layer=None}. */
    public Builder activation(Activation activation) {
      this.activation = activation;
      return this;
    }

    /** Explicit conv bias; by default only without a norm layer. */
    public Builder bias(boolean bias) {
      this.bias = bias;
      return this;
    }

    public Conv2dNormActivation build() {
      return new Conv2dNormActivation(this);
    }
  }
}
