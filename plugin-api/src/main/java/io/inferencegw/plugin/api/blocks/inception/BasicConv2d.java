package io.inferencegw.plugin.api.blocks.inception;

import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * The convolution unit of every Inception network: a convolution without bias ({@code conv}),
 * a batch norm with eps 1e-3 ({@code bn}) and an in-place ReLU. It is torchvision's
 * {@code BasicConv2d} (GoogLeNet, Inception v3) and, with the same state_dict keys
 * ({@code conv.weight}, {@code bn.weight}, {@code bn.bias}, {@code bn.running_mean},
 * {@code bn.running_var}, {@code bn.num_batches_tracked}), timm's
 * {@code ConvNormAct(norm_kwargs=dict(eps=1e-3))} of Inception v4 and Inception-ResNet v2,
 * whose {@code bn} is a {@code BatchNormAct2d} (a BatchNorm2d subclass that applies the ReLU).
 *
 * <p>Kernels may be rectangular ({@code 1x7}, {@code 7x1}, ...); the stride is the same along
 * both axes, as in all of these networks.
 */
public class BasicConv2d extends Module implements Layer {

  /** {@code nn.BatchNorm2d(out_channels, eps=0.001)} as in the TensorFlow originals. */
  public static final double BN_EPS = 1e-3;

  private final Conv2dImpl conv;
  private final BatchNorm2dImpl bn;
  private final int outChannels;

  /** {@code BasicConv2d(in, out, kernel_size=k)}: stride 1, no padding. */
  public BasicConv2d(int in, int out, int kernel) {
    this(in, out, kernel, kernel, 1, 0, 0);
  }

  /** {@code BasicConv2d(in, out, kernel_size=k, stride=s, padding=p)}, square. */
  public BasicConv2d(int in, int out, int kernel, int stride, int padding) {
    this(in, out, kernel, kernel, stride, padding, padding);
  }

  /**
   * {@code BasicConv2d(in, out, kernel_size=(kh, kw), stride=s, padding=(ph, pw))}.
   */
  public BasicConv2d(
      int in, int out, int kernelH, int kernelW, int stride, int paddingH, int paddingW) {
    super();
    Conv2dOptions options = new Conv2dOptions(in, out, new LongPointer(kernelH, kernelW));
    options.stride().put(0, stride).put(1, stride);
    options.padding().put(new LongPointer(paddingH, paddingW));
    options.bias().put(false);
    conv = register_module("conv", new Conv2dImpl(options));
    bn = register_module("bn", Layers.batchNorm2d(out, BN_EPS, Layers.BN_MOMENTUM));
    outChannels = out;
  }

  /**
   * {@code kernelH x kernelW}, stride 1, padding {@code (kernelH / 2, kernelW / 2)}: for the odd
   * kernels of these networks (3x3, 5x5, 1x7, 7x1, 1x3, 3x1) the output keeps the input's height
   * and width, TensorFlow's {@code padding='SAME'}.
   */
  public static BasicConv2d same(int in, int out, int kernelH, int kernelW) {
    return new BasicConv2d(in, out, kernelH, kernelW, 1, kernelH / 2, kernelW / 2);
  }

  public Conv2dImpl conv() {
    return conv;
  }

  public BatchNorm2dImpl bn() {
    return bn;
  }

  public int outChannels() {
    return outChannels;
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor y = conv.forward(x);
    Tensor z = bn.forward(y);
    y.close();
    z.relu_();
    return z;
  }
}
