package io.inferencegw.plugins.resnet;

import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import java.util.List;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;

/**
 * torchvision's {@code Bottleneck} (ResNet v1.5: the stride sits on the 3x3 convolution):
 * 1x1 convolution to {@code width}, batch norm, ReLU, 3x3 convolution with {@code groups} and
 * the stride, batch norm, ReLU, 1x1 convolution to {@code planes * 4}, batch norm, plus the
 * shortcut, ReLU. {@code width = int(planes * (base_width / 64)) * groups}: 64-wide groups make
 * ResNet, 128 Wide ResNet, 32 groups of 4 (or 8) ResNeXt. Registered as
 * {@code conv1, bn1, conv2, bn2, conv3, bn3, downsample}.
 */
public final class Bottleneck extends ResidualBlock {

  public static final int EXPANSION = 4;

  private final BatchNorm2dImpl bn3;

  /** @param downsample the shortcut's projection ({@link ResidualBlock#projection}), or null */
  public Bottleneck(int inplanes, int planes, int stride, Sequential downsample, int groups,
      int baseWidth, int dilation) {
    int width = width(planes, groups, baseWidth);
    int out = planes * EXPANSION;
    Conv2dImpl conv1 = register_module("conv1", conv1x1(inplanes, width, 1));
    BatchNorm2dImpl bn1 = register_module("bn1", Layers.batchNorm2d(width));
    Conv2dImpl conv2 =
        register_module("conv2", conv3x3(width, width, stride, groups, dilation));
    BatchNorm2dImpl bn2 = register_module("bn2", Layers.batchNorm2d(width));
    Conv2dImpl conv3 = register_module("conv3", conv1x1(width, out, 1));
    bn3 = register_module("bn3", Layers.batchNorm2d(out));
    setBranches(List.of(conv1::forward, bn1::forward, Layers.RELU, conv2::forward, bn2::forward,
        Layers.RELU, conv3::forward, bn3::forward), downsample);
  }

  /** A plain ResNet bottleneck without projection and stride 1. */
  public Bottleneck(int inplanes, int planes) {
    this(inplanes, planes, 1, null, 1, 64, 1);
  }

  /** Channels of the inner 3x3 convolution. */
  public static int width(int planes, int groups, int baseWidth) {
    return (int) (planes * (baseWidth / 64.0)) * groups;
  }

  @Override
  public BatchNorm2dImpl lastNorm() {
    return bn3;
  }
}
