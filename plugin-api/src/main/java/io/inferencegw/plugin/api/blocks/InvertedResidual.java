package io.inferencegw.plugin.api.blocks;

import java.util.Locale;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * The inverted residual block of MobileNetV2 (Sandler et al., 2018) and its descendants
 * (MNASNet, MobileNetV3, EfficientNet's MBConv): a 1x1 expansion to {@code expanded} channels
 * (left out when {@code expanded == in}), a depthwise {@code k x k} convolution carrying the
 * stride, optionally a {@link SqueezeExcitation}, and a linear 1x1 projection to {@code out}
 * channels, each followed by batch norm; the expansion and the depthwise convolution also by the
 * activation. The input is added to the branch when the stride is 1 and {@code in == out}, after
 * {@link StochasticDepth} (the identity in eval mode).
 *
 * <p>The families differ only in how they name and nest the branch, which is the
 * {@link Layout}: {@code conv.0.0.weight} (MobileNetV2), {@code block.0.0.weight} (MobileNetV3,
 * EfficientNet), {@code layers.0.weight} (MNASNet).
 *
 * <pre>{@code
 * // MobileNetV3's bneck(40, 5, 120, 40, SE, HS, stride 1)
 * InvertedResidual.builder(40, 120, 40).kernel(5).activation(Activation.HARDSWISH)
 *     .norm(1e-3, 0.01).squeezeExcitation(32, Activation.RELU, Activation.HARDSIGMOID).build();
 * }</pre>
 *
 * <p>The residual sum is taken in place on the branch output, which the block owns.
 */
public final class InvertedResidual extends Module implements Layer {

  /** How the branch's layers are named (every layout runs the same computation). */
  public enum Layout {
    /**
     * torchvision's MobileNetV3 and MBConv: attribute {@code block}, a Sequential of
     * {@link Conv2dNormActivation}s (expand, depthwise, projection without activation) with the
     * squeeze-excitation between the last two.
     */
    BLOCK("block"),
    /**
     * torchvision's MobileNetV2: attribute {@code conv}, the expansion and the depthwise
     * convolution as {@link Conv2dNormActivation}s, then the projection's convolution and batch
     * norm as two children of their own. No squeeze-excitation.
     */
    CONV("conv"),
    /**
     * torchvision's MNASNet: attribute {@code layers}, one flat Sequential: conv, norm,
     * activation, depthwise conv, norm, activation, conv, norm. No squeeze-excitation.
     */
    LAYERS("layers");

    private final String attribute;

    Layout(String attribute) {
      this.attribute = attribute;
    }

    /** The name the branch is registered under. */
    public String attribute() {
      return attribute;
    }
  }

  private final Sequential branch;
  private final boolean useResidual;
  private final StochasticDepth stochasticDepth;
  private final int outChannels;

  private InvertedResidual(Builder b) {
    super();
    if (b.stride < 1 || b.stride > 2) {
      throw new IllegalArgumentException("stride should be 1 or 2, got " + b.stride);
    }
    if (b.squeezeChannels > 0 && b.layout != Layout.BLOCK) {
      throw new IllegalArgumentException(b.layout + " has no squeeze-excitation");
    }
    outChannels = b.out;
    useResidual = b.stride == 1 && b.in == b.out;
    branch = register_module(b.layout.attribute(), b.layout == Layout.LAYERS
        ? flatBranch(b) : nestedBranch(b));
    stochasticDepth = b.stochasticDepthProb > 0
        ? register_module("stochastic_depth",
            new StochasticDepth(b.stochasticDepthProb, StochasticDepth.Mode.ROW))
        : null;
  }

  private static Sequential nestedBranch(Builder b) {
    Sequential s = new Sequential();
    if (b.expanded != b.in) {
      s.add(b.cna(b.in, b.expanded, 1, 1, 1, b.activation));
    }
    s.add(b.cna(b.expanded, b.expanded, b.kernel, b.stride, b.expanded, b.activation));
    if (b.squeezeChannels > 0) {
      s.add(new SqueezeExcitation(
          b.expanded, b.squeezeChannels, b.squeezeActivation, b.scaleActivation));
    }
    if (b.layout == Layout.CONV) {
      s.add(Layers.conv2d(b.expanded, b.out, 1, 1, 0, 1, 1, false));
      s.add(Layers.batchNorm2d(b.out, b.normEps, b.normMomentum));
    } else {
      s.add(b.cna(b.expanded, b.out, 1, 1, 1, null));
    }
    return s;
  }

  private static Sequential flatBranch(Builder b) {
    Sequential s = new Sequential();
    if (b.expanded != b.in) {
      s.add(Layers.conv2d(b.in, b.expanded, 1, 1, 0, 1, 1, false));
      s.add(Layers.batchNorm2d(b.expanded, b.normEps, b.normMomentum));
      s.add(b.activation.layer());
    }
    s.add(Layers.conv2d(b.expanded, b.expanded, b.kernel, b.stride,
        (b.kernel - 1) / 2 * b.dilation, b.dilation, b.expanded, false));
    s.add(Layers.batchNorm2d(b.expanded, b.normEps, b.normMomentum));
    s.add(b.activation.layer());
    s.add(Layers.conv2d(b.expanded, b.out, 1, 1, 0, 1, 1, false));
    s.add(Layers.batchNorm2d(b.out, b.normEps, b.normMomentum));
    return s;
  }

  public static Builder builder(int in, int expanded, int out) {
    return new Builder(in, expanded, out);
  }

  /** The branch, registered under its {@link Layout#attribute()}. */
  public Sequential branch() {
    return branch;
  }

  public boolean usesResidual() {
    return useResidual;
  }

  public int outChannels() {
    return outChannels;
  }

  /** The stochastic depth module, or null where its probability is 0. */
  public StochasticDepth stochasticDepth() {
    return stochasticDepth;
  }

  @Override
  public Tensor forward(Tensor input) {
    Tensor result = branch.forward(input);
    if (!useResidual) {
      return result;
    }
    if (stochasticDepth != null) {
      Tensor dropped = stochasticDepth.forward(result);
      Layers.release(result, dropped, input);
      result = dropped;
    }
    result.add_(input);
    return result;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "InvertedResidual(%s, residual=%s)", branch, useResidual);
  }

  /** The block's arguments, with torchvision's MobileNetV2 defaults. */
  public static final class Builder {
    private final int in;
    private final int expanded;
    private final int out;
    private int kernel = 3;
    private int stride = 1;
    private int dilation = 1;
    private Activation activation = Activation.RELU6;
    private double normEps = Layers.BN_EPS;
    private double normMomentum = Layers.BN_MOMENTUM;
    private int squeezeChannels;
    private Activation squeezeActivation = Activation.RELU;
    private Activation scaleActivation = Activation.SIGMOID;
    private double stochasticDepthProb;
    private Layout layout = Layout.BLOCK;

    private Builder(int in, int expanded, int out) {
      this.in = in;
      this.expanded = expanded;
      this.out = out;
    }

    /** Kernel size of the depthwise convolution (default 3), padded to keep the size. */
    public Builder kernel(int kernel) {
      this.kernel = kernel;
      return this;
    }

    /** Stride of the depthwise convolution, 1 (default) or 2. */
    public Builder stride(int stride) {
      this.stride = stride;
      return this;
    }

    /** Dilation of the depthwise convolution (default 1). */
    public Builder dilation(int dilation) {
      this.dilation = dilation;
      return this;
    }

    /** Activation after the expansion and the depthwise convolution (default ReLU6). */
    public Builder activation(Activation activation) {
      this.activation = activation;
      return this;
    }

    /** BatchNorm eps and momentum (default 1e-5 and 0.1). */
    public Builder norm(double eps, double momentum) {
      this.normEps = eps;
      this.normMomentum = momentum;
      return this;
    }

    /** A squeeze-excitation with {@code squeezeChannels} after the depthwise convolution. */
    public Builder squeezeExcitation(
        int squeezeChannels, Activation activation, Activation scaleActivation) {
      this.squeezeChannels = squeezeChannels;
      this.squeezeActivation = activation;
      this.scaleActivation = scaleActivation;
      return this;
    }

    /** Row-mode stochastic depth on the branch before the residual sum (training only). */
    public Builder stochasticDepth(double p) {
      this.stochasticDepthProb = p;
      return this;
    }

    public Builder layout(Layout layout) {
      this.layout = layout;
      return this;
    }

    public InvertedResidual build() {
      return new InvertedResidual(this);
    }

    private Conv2dNormActivation cna(
        int inChannels, int outChannels, int k, int s, int groups, Activation act) {
      return Conv2dNormActivation.builder(inChannels, outChannels, k).stride(s).groups(groups)
          .dilation(k == 1 ? 1 : dilation).normEps(normEps).normMomentum(normMomentum)
          .activation(act).build();
    }
  }
}
