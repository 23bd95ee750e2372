package io.inferencegw.plugins.shufflenet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import java.util.List;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;

/**
 * ShuffleNet V2 (Ma et al., 2018) as torchvision's {@code models/shufflenetv2.py}:
 *
 * <pre>
 *   conv1        0 conv3x3 stride 2 (3-&gt;c0), 1 BN, 2 ReLU
 *   maxpool      3x3 stride 2 padding 1
 *   stage2..4    a {@link ShuffleUnit} with stride 2, then repeats - 1 with stride 1
 *   conv5        0 conv1x1 (-&gt;c4), 1 BN, 2 ReLU
 *   global mean over H and W;  fc  linear c4-&gt;numClasses
 * </pre>
 *
 * The variants differ only in the stage widths c0..c4. PyTorch's default initialisation.
 */
public final class ShuffleNetV2 extends ClassifierModule {

  private static final Functional MAXPOOL = Layers.maxPool2d(3, 2, 1, false);
  private static final long[] HW = {2, 3};
  private static final Functional GLOBAL_MEAN =
      new Functional("mean([2, 3])", x -> x.mean(HW));

  private final Sequential conv1;
  private final Sequential stage2;
  private final Sequential stage3;
  private final Sequential stage4;
  private final Sequential conv5;
  private final LinearImpl fc;

  /**
   * @param repeats units per stage 2, 3, 4 (three numbers)
   * @param channels output channels of conv1, stages 2..4 and conv5 (five numbers)
   */
  public ShuffleNetV2(List<Integer> repeats, List<Integer> channels, int numClasses) {
    super();
    if (repeats.size() != 3 || channels.size() != 5) {
      throw new IllegalArgumentException("expected 3 stage repeats and 5 stage widths");
    }
    conv1 = register_module("conv1", convBnRelu(3, channels.get(0), 3, 2, 1));
    Sequential[] stages = new Sequential[3];
    int in = channels.get(0);
    for (int s = 0; s < 3; s++) {
      int out = channels.get(s + 1);
      Sequential stage = new Sequential().add(new ShuffleUnit(in, out, 2));
      for (int i = 0; i < repeats.get(s) - 1; i++) {
        stage.add(new ShuffleUnit(out, out, 1));
      }
      stages[s] = register_module("stage" + (s + 2), stage);
      in = out;
    }
    stage2 = stages[0];
    stage3 = stages[1];
    stage4 = stages[2];
    conv5 = register_module("conv5", convBnRelu(in, channels.get(4), 1, 1, 0));
    fc = register_module("fc", Layers.linear(channels.get(4), numClasses));
  }

  private static Sequential convBnRelu(int in, int out, int kernel, int stride, int padding) {
    return new Sequential()
        .add(Layers.conv2d(in, out, kernel, stride, padding, 1, 1, false))
        .add(Layers.batchNorm2d(out))
        .add(Layers.RELU);
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, conv1, MAXPOOL, stage2, stage3, stage4, conv5, GLOBAL_MEAN,
        fc::forward);
  }
}
