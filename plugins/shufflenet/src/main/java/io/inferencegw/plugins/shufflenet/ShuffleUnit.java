package io.inferencegw.plugins.shufflenet;

import io.inferencegw.plugin.api.blocks.ChannelShuffle;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's {@code shufflenetv2.InvertedResidual}, the ShuffleNet V2 unit (Ma et al., 2018,
 * Fig. 3 c and d). With stride 1 the input's channels are split in halves: the first passes
 * unchanged, the second goes through {@code branch2}. With stride 2 the whole input goes through
 * both {@code branch1} and {@code branch2}. The two halves are concatenated and shuffled
 * ({@link ChannelShuffle}, 2 groups), in one copy.
 *
 * <pre>
 *   branch1  0 depthwise 3x3 (stride), 1 BN, 2 conv1x1 -&gt;out/2, 3 BN, 4 ReLU
 *            (stride 2 only; an empty Sequential otherwise)
 *   branch2  0 conv1x1 -&gt;out/2, 1 BN, 2 ReLU, 3 depthwise 3x3 (stride), 4 BN,
 *            5 conv1x1, 6 BN, 7 ReLU
 * </pre>
 *
 * All convolutions without bias; PyTorch's default initialisation, as torchvision's.
 */
public final class ShuffleUnit extends Module implements Layer {

  private final int stride;
  private final Sequential branch1;
  private final Sequential branch2;

  public ShuffleUnit(int inp, int oup, int stride) {
    super();
    if (stride < 1 || stride > 3) {
      throw new IllegalArgumentException("illegal stride value " + stride);
    }
    int branchFeatures = oup / 2;
    if (stride == 1 && inp != branchFeatures << 1) {
      throw new IllegalArgumentException("with stride 1, inp " + inp + " must be oup " + oup
          + " rounded down to even");
    }
    this.stride = stride;
    Sequential b1 = new Sequential();
    if (stride > 1) {
      b1.add(depthwise(inp, stride))
          .add(Layers.batchNorm2d(inp))
          .add(Layers.conv2d(inp, branchFeatures, 1, 1, 0, 1, 1, false))
          .add(Layers.batchNorm2d(branchFeatures))
          .add(Layers.RELU);
    }
    branch1 = register_module("branch1", b1);
    branch2 = register_module("branch2", new Sequential()
        .add(Layers.conv2d(stride > 1 ? inp : branchFeatures, branchFeatures, 1, 1, 0, 1, 1,
            false))
        .add(Layers.batchNorm2d(branchFeatures))
        .add(Layers.RELU)
        .add(depthwise(branchFeatures, stride))
        .add(Layers.batchNorm2d(branchFeatures))
        .add(Layers.conv2d(branchFeatures, branchFeatures, 1, 1, 0, 1, 1, false))
        .add(Layers.batchNorm2d(branchFeatures))
        .add(Layers.RELU));
  }

  private static org.bytedeco.pytorch.Conv2dImpl depthwise(int channels, int stride) {
    return Layers.conv2d(channels, channels, 3, stride, 1, 1, channels, false);
  }

  Sequential branch2() {
    return branch2;
  }

  @Override
  public Tensor forward(Tensor x) {
    if (stride == 1) {
      // x.chunk(2, dim=1) as two views that own their handles
      long half = x.size(1) / 2;
      Tensor x1 = x.narrow(1, 0, half);
      Tensor x2 = x.narrow(1, half, half);
      Tensor out2 = branch2.forward(x2);
      x2.close();
      return ChannelShuffle.concatAndShuffle(x1, out2);
    }
    return ChannelShuffle.concatAndShuffle(branch1.forward(x), branch2.forward(x));
  }
}
