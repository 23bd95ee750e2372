package io.inferencegw.plugin.api.blocks;

import java.util.List;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.DropoutImpl;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LayerNormOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LinearOptions;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Factories for the layers of {@code torch.nn} with PyTorch's defaults and argument order, and
 * {@link #chain}, the forward pass of a sequence of layers.
 *
 * <p>Modules with state (convolution, batch norm, linear, dropout) are LibTorch modules, to be
 * registered by the caller or added to a {@link Sequential}. Layers without state are
 * {@link Functional}: ReLU runs in place like torchvision's {@code ReLU(inplace=True)}.
 */
public final class Layers {

  /** PyTorch's BatchNorm defaults. */
  public static final double BN_EPS = 1e-5;

  public static final double BN_MOMENTUM = 0.1;

  /** {@code nn.ReLU(inplace=True)}. */
  public static final Functional RELU = new Functional("ReLU(inplace=True)", x -> {
    x.relu_();
    return x;
  });

  /** {@code torch.flatten(x, 1)}: a view, no copy. */
  public static final Functional FLATTEN =
      new Functional("Flatten(1)", x -> torch.flatten(x, 1, -1));

  private Layers() {}

  /** {@code nn.Conv2d(in, out, kernel, stride, padding)} with a bias. */
  public static Conv2dImpl conv2d(int in, int out, int kernel, int stride, int padding) {
    return conv2d(in, out, kernel, stride, padding, 1, 1, true);
  }

  /** {@code nn.Conv2d(in, out, kernel, stride, padding, dilation, groups, bias)}, square. */
  public static Conv2dImpl conv2d(
      int in, int out, int kernel, int stride, int padding, int dilation, int groups,
      boolean bias) {
    Conv2dOptions options = new Conv2dOptions(in, out, new LongPointer(kernel, kernel));
    options.stride().put(0, stride).put(1, stride);
    options.padding().put(new LongPointer(padding, padding));
    options.dilation().put(0, dilation).put(1, dilation);
    options.groups().put(groups);
    options.bias().put(bias);
    return new Conv2dImpl(options);
  }

  /** {@code nn.BatchNorm2d(features)}: eps 1e-5, momentum 0.1. */
  public static BatchNorm2dImpl batchNorm2d(int features) {
    return batchNorm2d(features, BN_EPS, BN_MOMENTUM);
  }

  /** {@code nn.BatchNorm2d(features, eps, momentum)}, affine, tracking running statistics. */
  public static BatchNorm2dImpl batchNorm2d(int features, double eps, double momentum) {
    BatchNormOptions options = new BatchNormOptions(features);
    options.eps().put(eps);
    options.momentum().put(momentum);
    return new BatchNorm2dImpl(options);
  }

  /** {@code nn.Linear(in, out)} with a bias. */
  public static LinearImpl linear(int in, int out) {
    return linear(in, out, true);
  }

  public static LinearImpl linear(int in, int out, boolean bias) {
    LinearOptions options = new LinearOptions(in, out);
    options.bias().put(bias);
    return new LinearImpl(options);
  }

  /** {@code nn.LayerNorm(features, eps)} over the last dimension, with weight and bias. */
  public static LayerNormImpl layerNorm(int features, double eps) {
    // new long[] {...}: LongVector(long n) would be a vector of n zeros
    LayerNormOptions options = new LayerNormOptions(new LongVector(new long[] {features}));
    options.eps().put(eps);
    return new LayerNormImpl(options);
  }

  /** {@code nn.Dropout(p)}: the identity in eval mode. */
  public static DropoutImpl dropout(double p) {
    return new DropoutImpl(p);
  }

  /** {@code nn.MaxPool2d(kernel, stride)}. */
  public static Functional maxPool2d(int kernel, int stride) {
    return maxPool2d(kernel, stride, 0, false);
  }

  /** {@code nn.MaxPool2d(kernel, stride, padding, ceil_mode=ceilMode)}, square. */
  public static Functional maxPool2d(int kernel, int stride, int padding, boolean ceilMode) {
    long[] k = {kernel, kernel};
    long[] s = {stride, stride};
    long[] p = {padding, padding};
    long[] d = {1, 1};
    return new Functional(
        "MaxPool2d(kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding
            + ", ceil_mode=" + (ceilMode ? "True" : "False") + ")",
        x -> torch.max_pool2d(x, k, s, p, d, ceilMode));
  }

  /**
   * {@code nn.AvgPool2d(kernel, stride, padding, count_include_pad=countIncludePad)}, square,
   * floor mode. Torchvision's Inception v3 pools with {@code F.avg_pool2d(x, 3, 1, 1)} (padding
   * counted); timm's Inception v4 and Inception-ResNet v2 with {@code count_include_pad=False}.
   */
  public static Functional avgPool2d(int kernel, int stride, int padding,
      boolean countIncludePad) {
    long[] k = {kernel, kernel};
    long[] s = {stride, stride};
    long[] p = {padding, padding};
    return new Functional(
        "AvgPool2d(kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding
            + ", count_include_pad=" + (countIncludePad ? "True" : "False") + ")",
        x -> {
          try (LongOptional noDivisor = new LongOptional()) {
            return torch.avg_pool2d(x, k, s, p, false, countIncludePad, noDivisor);
          }
        });
  }

  /** {@code nn.AdaptiveAvgPool2d((height, width))}. */
  public static Functional adaptiveAvgPool2d(int height, int width) {
    long[] size = {height, width};
    return new Functional(
        "AdaptiveAvgPool2d(output_size=(" + height + ", " + width + "))",
        x -> torch.adaptive_avg_pool2d(x, size));
  }

  /**
   * Runs {@code layers} in order on {@code input} and returns the last result. Each intermediate
   * tensor handle is closed as soon as the next layer has returned (unless that layer returned
   * the same handle, as in-place layers do), so its memory goes back right away instead of at
   * the end of the caller's {@code PointerScope}. The caller's input is never closed.
   */
  public static Tensor chain(Tensor input, List<? extends Layer> layers) {
    Tensor x = input;
    for (Layer layer : layers) {
      Tensor y = layer.forward(x);
      release(x, y, input);
      x = y;
    }
    return x;
  }

  /** {@link #chain(Tensor, List)} for a fixed list, e.g. the top level of a network. */
  public static Tensor chain(Tensor input, Layer... layers) {
    return chain(input, List.of(layers));
  }

  /**
   * Closes the handle of an intermediate tensor {@code x} once {@code y} has been computed from
   * it, unless it is the caller's {@code input} or {@code y} is the same native handle. Views
   * that {@code y} may share with {@code x} stay valid: only a reference count drops.
   */
  public static void release(Tensor x, Tensor y, Tensor input) {
    if (x != input && x.address() != input.address() && x.address() != y.address()) {
      x.close();
    }
  }
}
