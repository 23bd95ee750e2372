package io.inferencegw.plugins.dpn;

import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import java.util.List;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code BnActConv2d}, the pre-activation unit of DPN: batch norm (eps 1e-3) with ReLU
 * ({@code bn}, timm's {@code BatchNormAct2d}), then a convolution without bias ({@code conv})
 * with timm's default symmetric padding {@code ((stride - 1) + (kernel - 1)) / 2}.
 */
final class BnActConv2d extends Module implements Layer {

  private final List<Layer> layers;

  BnActConv2d(int in, int out, int kernel, int stride, int groups) {
    BatchNorm2dImpl bn = register_module("bn", batchNormAct(in));
    Conv2dImpl conv = register_module("conv", conv2d(in, out, kernel, stride, groups));
    layers = List.of(bn::forward, Layers.RELU, conv::forward);
  }

  /** The norm of timm's {@code BatchNormAct2d(eps=0.001)}; the activation is applied apart. */
  static BatchNorm2dImpl batchNormAct(int channels) {
    return Layers.batchNorm2d(channels, DPN.BN_EPS, Layers.BN_MOMENTUM);
  }

  /** timm's {@code create_conv2d(in, out, kernel, stride=, groups=)}: no bias, static padding. */
  static Conv2dImpl conv2d(int in, int out, int kernel, int stride, int groups) {
    int padding = ((stride - 1) + (kernel - 1)) / 2;
    return Layers.conv2d(in, out, kernel, stride, padding, 1, groups, false);
  }

  @Override
  public Tensor forward(Tensor x) {
    return Layers.chain(x, layers);
  }
}
