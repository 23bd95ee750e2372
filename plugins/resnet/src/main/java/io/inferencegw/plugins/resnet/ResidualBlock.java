package io.inferencegw.plugins.resnet;

import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * What {@link BasicBlock} and {@link Bottleneck} share: {@code relu(residual(x) + shortcut(x))},
 * where the shortcut is the identity or {@code downsample} (a strided 1x1 convolution and batch
 * norm, torchvision's {@code nn.Sequential(conv1x1, norm)}: keys {@code downsample.0.weight},
 * {@code downsample.1.*}). The residual branch is a chain of layers that ends in a batch norm,
 * so its result is a fresh tensor the block adds the shortcut to in place.
 */
public abstract sealed class ResidualBlock extends Module implements Layer
    permits BasicBlock, Bottleneck {

  private List<Layer> residual;
  private Sequential downsample;

  ResidualBlock() {
    super();
  }

  /**
   * Called at the end of the subclass constructor, after its own layers, so that
   * {@code downsample} comes last in the state_dict as in torchvision.
   */
  final void setBranches(List<Layer> residualBranch, Sequential downsampleOrNull) {
    this.residual = List.copyOf(residualBranch);
    this.downsample = downsampleOrNull == null ? null
        : register_module("downsample", downsampleOrNull);
  }

  /** The residual branch's last norm (zero-initialised by {@code zero_init_residual}). */
  public abstract BatchNorm2dImpl lastNorm();

  /** The shortcut's projection, or null where the shortcut is the identity. */
  public final Sequential downsample() {
    return downsample;
  }

  @Override
  public final Tensor forward(Tensor x) {
    Tensor out = Layers.chain(x, residual);
    if (downsample == null) {
      out.add_(x);
    } else {
      Tensor identity = downsample.forward(x);
      out.add_(identity);
      identity.close();
    }
    out.relu_();
    return out;
  }

  /** torchvision's {@code conv3x3}: padding = dilation, no bias; Kaiming-normal (fan_out). */
  static Conv2dImpl conv3x3(int in, int out, int stride, int groups, int dilation) {
    return init(Layers.conv2d(in, out, 3, stride, dilation, dilation, groups, false));
  }

  /** torchvision's {@code conv1x1}: no bias; Kaiming-normal (fan_out). */
  static Conv2dImpl conv1x1(int in, int out, int stride) {
    return init(Layers.conv2d(in, out, 1, stride, 0, 1, 1, false));
  }

  /** {@code kaiming_normal_(w, mode="fan_out", nonlinearity="relu")}, as ResNet's init loop. */
  static Conv2dImpl init(Conv2dImpl conv) {
    try (PointerScope scope = new PointerScope()) {
      Init.kaimingNormalFanOut(conv.weight());
    }
    return conv;
  }

  /** torchvision's downsample: {@code Sequential(conv1x1(in, out, stride), BatchNorm2d(out))}. */
  public static Sequential projection(int in, int out, int stride) {
    return new Sequential().add(conv1x1(in, out, stride)).add(Layers.batchNorm2d(out));
  }
}
