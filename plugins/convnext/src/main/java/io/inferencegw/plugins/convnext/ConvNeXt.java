package io.inferencegw.plugins.convnext;

import static io.inferencegw.plugin.api.blocks.Layers.FLATTEN;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.LayerNorm2d;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;

/**
 * ConvNeXt (Liu et al., 2022) as torchvision's {@code models/convnext.py}:
 *
 * <pre>
 *   features    0 stem: Sequential(0 conv 4x4 stride 4 (bias), 1 LayerNorm2d)
 *               then per stage a Sequential of {@link CNBlock}s and, between stages, a
 *               downsampling Sequential(0 LayerNorm2d, 1 conv 2x2 stride 2)
 *   avgpool     adaptive average pool to 1x1
 *   classifier  0 LayerNorm2d, 1 Flatten, 2 Linear
 * </pre>
 *
 * All norms are LayerNorms with eps 1e-6: {@link LayerNorm2d} (over the channels of NCHW, via a
 * permute, as torchvision) outside the blocks, {@code nn.LayerNorm} on NHWC inside them. The
 * stochastic depth probability grows linearly from 0 to {@code stochasticDepthProb} over the
 * blocks (the identity in eval mode). A fresh network is initialised as torchvision's: conv and
 * linear weights truncated-normal with std 0.02, biases zero, layer scales {@code 1e-6}.
 */
public final class ConvNeXt extends ClassifierModule {

  static final double NORM_EPS = 1e-6;
  static final double LAYER_SCALE = 1e-6;

  private static final Functional AVGPOOL = Layers.adaptiveAvgPool2d(1, 1);

  /**
   * torchvision's {@code CNBlockConfig}: a stage of {@code numLayers} blocks of width
   * {@code inputChannels}, followed by a downsampling to {@code outChannels} (0 for none: the
   * last stage).
   */
  public record Stage(int inputChannels, int outChannels, int numLayers) {}

  private final Sequential features;
  private final Sequential classifier;
  private final List<CNBlock> blocks = new ArrayList<>();

  public ConvNeXt(List<Stage> blockSetting, double stochasticDepthProb, int numClasses) {
    if (blockSetting.isEmpty()) {
      throw new IllegalArgumentException("The block_setting should not be empty");
    }
    features = new Sequential();
    int stem = blockSetting.get(0).inputChannels();
    features.add(new Sequential()
        .add(init(Layers.conv2d(3, stem, 4, 4, 0, 1, 1, true)))
        .add(new LayerNorm2d(stem, NORM_EPS)));
    int totalBlocks = blockSetting.stream().mapToInt(Stage::numLayers).sum();
    int blockId = 0;
    for (Stage cnf : blockSetting) {
      Sequential stage = new Sequential();
      for (int i = 0; i < cnf.numLayers(); i++) {
        double sdProb = stochasticDepthProb * blockId / (totalBlocks - 1.0);
        CNBlock block = new CNBlock(cnf.inputChannels(), LAYER_SCALE, sdProb);
        blocks.add(block);
        stage.add(block);
        blockId++;
      }
      features.add(stage);
      if (cnf.outChannels() > 0) {
        features.add(new Sequential()
            .add(new LayerNorm2d(cnf.inputChannels(), NORM_EPS))
            .add(init(Layers.conv2d(cnf.inputChannels(), cnf.outChannels(), 2, 2, 0, 1, 1,
                true))));
      }
    }
    register_module("features", features);
    int last = lastChannels(blockSetting);
    classifier = register_module("classifier", new Sequential()
        .add(new LayerNorm2d(last, NORM_EPS))
        .add(FLATTEN)
        .add(init(Layers.linear(last, numClasses))));
  }

  /** The blocks of all stages in order. */
  public List<CNBlock> blocks() {
    return List.copyOf(blocks);
  }

  private static int lastChannels(List<Stage> blockSetting) {
    Stage lastBlock = blockSetting.get(blockSetting.size() - 1);
    return lastBlock.outChannels() > 0 ? lastBlock.outChannels() : lastBlock.inputChannels();
  }

  /** {@code trunc_normal_(weight, std=0.02)}, zero bias. */
  static Conv2dImpl init(Conv2dImpl conv) {
    try (PointerScope scope = new PointerScope()) {
      Init.truncNormal(conv.weight(), 0.02);
      Init.zeros(conv.bias());
    }
    return conv;
  }

  /** {@code trunc_normal_(weight, std=0.02)}, zero bias. */
  static LinearImpl init(LinearImpl linear) {
    try (PointerScope scope = new PointerScope()) {
      Init.truncNormal(linear.weight(), 0.02);
      Init.zeros(linear.bias());
    }
    return linear;
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, features, AVGPOOL, classifier);
  }
}
