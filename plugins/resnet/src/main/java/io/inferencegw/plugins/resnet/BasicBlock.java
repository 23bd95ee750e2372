package io.inferencegw.plugins.resnet;

import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import java.util.List;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;

/**
 * torchvision's {@code BasicBlock} (ResNet-18/34): 3x3 convolution (with the stride), batch
 * norm, ReLU, 3x3 convolution, batch norm, plus the shortcut, ReLU. Registered as
 * {@code conv1, bn1, conv2, bn2, downsample}. Output channels = {@code planes}
 * ({@link #EXPANSION} 1).
 */
public final class BasicBlock extends ResidualBlock {

  public static final int EXPANSION = 1;

  private final BatchNorm2dImpl bn2;

  /**
   * @param downsample the shortcut's projection ({@link ResidualBlock#projection}), or null
   * @throws IllegalArgumentException for groups other than 1 or a width other than 64, which
   *     torchvision's BasicBlock does not support either
   */
  public BasicBlock(int inplanes, int planes, int stride, Sequential downsample, int groups,
      int baseWidth, int dilation) {
    if (groups != 1 || baseWidth != 64) {
      throw new IllegalArgumentException("BasicBlock only supports groups=1 and base_width=64");
    }
    if (dilation > 1) {
      throw new IllegalArgumentException("Dilation > 1 not supported in BasicBlock");
    }
    Conv2dImpl conv1 = register_module("conv1", conv3x3(inplanes, planes, stride, 1, 1));
    BatchNorm2dImpl bn1 = register_module("bn1", Layers.batchNorm2d(planes));
    Conv2dImpl conv2 = register_module("conv2", conv3x3(planes, planes, 1, 1, 1));
    bn2 = register_module("bn2", Layers.batchNorm2d(planes));
    setBranches(List.of(conv1::forward, bn1::forward, Layers.RELU, conv2::forward, bn2::forward),
        downsample);
  }

  /** A block without projection and stride 1. */
  public BasicBlock(int inplanes, int planes) {
    this(inplanes, planes, 1, null, 1, 64, 1);
  }

  @Override
  public BatchNorm2dImpl lastNorm() {
    return bn2;
  }
}
