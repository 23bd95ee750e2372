package io.inferencegw.plugins.resnet;

import static io.inferencegw.plugin.api.blocks.Layers.FLATTEN;
import static io.inferencegw.plugin.api.blocks.Layers.RELU;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's {@code ResNet}: a 7x7/2 convolution {@code conv1}, {@code bn1}, ReLU, a 3x3/2 max
 * pool, four stages {@code layer1..layer4} of residual blocks (64, 128, 256, 512 planes; every
 * stage after the first halves the resolution in its first block), an adaptive average pool to
 * 1x1 and the linear classifier {@code fc}. ResNet, Wide ResNet and ResNeXt differ only in the
 * {@link Config}: the block, the blocks per stage, {@code groups} and {@code width_per_group}.
 *
 * <p>A fresh network is initialised as torchvision's: convolutions Kaiming-normal (fan_out,
 * ReLU), batch norms weight 1 and bias 0, {@code fc} with PyTorch's default Linear init.
 */
public final class ResNet extends ClassifierModule {

  /** The residual block of a configuration, with its channel expansion. */
  public enum Block {
    BASIC(BasicBlock.EXPANSION),
    BOTTLENECK(Bottleneck.EXPANSION);

    private final int expansion;

    Block(int expansion) {
      this.expansion = expansion;
    }

    public int expansion() {
      return expansion;
    }

    ResidualBlock create(int inplanes, int planes, int stride, Sequential downsample,
        int groups, int baseWidth, int dilation) {
      return this == BASIC
          ? new BasicBlock(inplanes, planes, stride, downsample, groups, baseWidth, dilation)
          : new Bottleneck(inplanes, planes, stride, downsample, groups, baseWidth, dilation);
    }
  }

  /**
   * The arguments of torchvision's {@code ResNet(block, layers, groups=, width_per_group=)}.
   *
   * @param block the residual block
   * @param layers number of blocks in each of the four stages
   * @param groups groups of the bottleneck's 3x3 convolution (ResNeXt's cardinality)
   * @param widthPerGroup channels per group of that convolution at 64 planes (64 for ResNet)
   */
  public record Config(Block block, List<Integer> layers, int groups, int widthPerGroup) {

    public Config {
      Objects.requireNonNull(block, "block");
      layers = List.copyOf(layers);
      if (layers.size() != 4) {
        throw new IllegalArgumentException("ResNet has 4 stages, got " + layers);
      }
    }

    /** ResNet: {@code groups=1, width_per_group=64}. */
    public static Config of(Block block, int... layers) {
      return new Config(block, Arrays.stream(layers).boxed().toList(), 1, 64);
    }

    public Config withGroups(int groups, int widthPerGroup) {
      return new Config(block, layers, groups, widthPerGroup);
    }

    public ResNet build(int numClasses) {
      return new ResNet(this, numClasses, false, new boolean[3]);
    }

  }

  static final int STEM = 64;
  static final int[] PLANES = {64, 128, 256, 512};
  private static final Functional MAXPOOL = Layers.maxPool2d(3, 2, 1, false);
  private static final Functional AVGPOOL = Layers.adaptiveAvgPool2d(1, 1);

  private final Config config;
  private final List<Layer> layers;
  private final List<ResidualBlock> blocks = new ArrayList<>();
  private int inplanes = STEM;
  private int dilation = 1;

  /**
   * @param zeroInitResidual torchvision's {@code zero_init_residual}: the last norm of every
   *     residual branch starts at 0, so each block starts as the identity
   * @param replaceStrideWithDilation per stage 2..4, dilate instead of striding (segmentation
   *     backbones); all false for the classifiers
   */
  public ResNet(Config config, int numClasses, boolean zeroInitResidual,
      boolean[] replaceStrideWithDilation) {
    if (replaceStrideWithDilation.length != 3) {
      throw new IllegalArgumentException(
          "replace_stride_with_dilation should be a 3-element array");
    }
    this.config = config;
    Conv2dImpl conv1 = register_module("conv1",
        ResidualBlock.init(Layers.conv2d(3, STEM, 7, 2, 3, 1, 1, false)));
    BatchNorm2dImpl bn1 = register_module("bn1", Layers.batchNorm2d(STEM));
    Sequential[] stages = new Sequential[4];
    for (int stage = 0; stage < 4; stage++) {
      stages[stage] = register_module("layer" + (stage + 1), makeLayer(PLANES[stage],
          config.layers().get(stage), stage == 0 ? 1 : 2,
          stage > 0 && replaceStrideWithDilation[stage - 1]));
    }
    LinearImpl fc = register_module("fc", Layers.linear(inplanes, numClasses));
    if (zeroInitResidual) {
      try (PointerScope scope = new PointerScope()) {
        blocks.forEach(b -> Init.constant(b.lastNorm().weight(), 0));
      }
    }
    layers = List.of(conv1::forward, bn1::forward, RELU, MAXPOOL,
        stages[0], stages[1], stages[2], stages[3], AVGPOOL, FLATTEN, fc::forward);
  }

  public Config config() {
    return config;
  }

  /** torchvision's {@code _make_layer}: the first block strides and projects when needed. */
  private Sequential makeLayer(int planes, int count, int stride, boolean dilate) {
    Block block = config.block();
    int previousDilation = dilation;
    if (dilate) {
      dilation *= stride;
      stride = 1;
    }
    int out = planes * block.expansion();
    Sequential downsample = stride != 1 || inplanes != out
        ? ResidualBlock.projection(inplanes, out, stride) : null;
    Sequential layer = new Sequential();
    add(layer, block.create(inplanes, planes, stride, downsample, config.groups(),
        config.widthPerGroup(), previousDilation));
    inplanes = out;
    for (int i = 1; i < count; i++) {
      add(layer, block.create(inplanes, planes, 1, null, config.groups(),
          config.widthPerGroup(), dilation));
    }
    return layer;
  }

  private void add(Sequential layer, ResidualBlock block) {
    layer.add(block);
    blocks.add(block);
  }

  /** The residual blocks in order, stage by stage. */
  public List<ResidualBlock> blocks() {
    return List.copyOf(blocks);
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, layers);
  }
}
