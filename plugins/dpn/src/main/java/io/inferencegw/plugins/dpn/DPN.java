package io.inferencegw.plugins.dpn;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.NamedSequential;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Tensor;

/**
 * Dual Path Networks (Chen et al., 2017) as timm 1.0.9's {@code dpn.py} {@code DPN}, which
 * torchvision lacks; module names follow timm so that timm checkpoints load:
 *
 * <pre>
 *   features   conv1_1 (conv, bn: 7x7/2, or 3x3/2 for the small nets, batch norm, ReLU),
 *              conv1_pool (3x3/2 max pool),
 *              conv2_1..conv2_K, conv3_*, conv4_*, conv5_* ({@link DualPathBlock}s),
 *              conv5_bn_ac ({@link CatBnAct}: batch norm and ReLU on cat(residual, dense))
 *   then       global average pool, classifier (1x1 convolution with bias), flatten
 * </pre>
 *
 * Stage {@code s} (0..3) has a residual path of {@code bw = 64 * 2^s * (small ? 1 : 4)}
 * channels, a bottleneck of {@code r = k_r * bw / (64 * (small ? 1 : 4))} channels and a dense
 * path growing by {@code inc_sec[s]} channels per block (starting at twice that). Batch norms
 * use eps 1e-3. A fresh network has PyTorch's default initialisation, as timm's DPN.
 * {@code drop_rate} (dropout before the classifier, 0 in every timm variant) is not supported.
 */
public final class DPN extends ClassifierModule {

  static final double BN_EPS = 1e-3;
  private static final Functional POOL = Layers.maxPool2d(3, 2, 1, false);
  private static final Functional GLOBAL_POOL = Layers.adaptiveAvgPool2d(1, 1);

  /**
   * timm's constructor arguments.
   *
   * @param small 3x3 stem and bottleneck width factor 1 (dpn68) instead of 7x7 and 4
   * @param numInitFeatures channels of the stem
   * @param kR bottleneck width ({@code k_r})
   * @param groups groups of the 3x3 convolutions
   * @param b the "b" block: separate 1x1 convolutions for the two paths
   * @param kSec blocks per stage
   * @param incSec dense-path growth per block, per stage
   */
  public record Config(boolean small, int numInitFeatures, int kR, int groups, boolean b,
      List<Integer> kSec, List<Integer> incSec) {

    public Config {
      kSec = List.copyOf(kSec);
      incSec = List.copyOf(incSec);
      if (kSec.size() != 4 || incSec.size() != 4) {
        throw new IllegalArgumentException("DPN has 4 stages");
      }
    }

    int bwFactor() {
      return small ? 1 : 4;
    }

    int bw(int stage) {
      return (64 << stage) * bwFactor();
    }

    int r(int stage) {
      return (kR * bw(stage)) / (64 * bwFactor());
    }

    /** Channels of {@code cat(residual, dense)} after the stage's last block. */
    int stageChannels(int stage) {
      return bw(stage) + (kSec.get(stage) + 2) * incSec.get(stage);
    }
  }

  private final NamedSequential features;
  private final NamedSequential stem;
  private final List<List<DualPathBlock>> stages = new ArrayList<>();
  private final CatBnAct head;
  private final Conv2dImpl classifier;

  public DPN(Config config, int numClasses) {
    int init = config.numInitFeatures();
    stem = new NamedSequential()
        .add("conv", BnActConv2d.conv2d(3, init, config.small() ? 3 : 7, 2, 1))
        .add("bn", BnActConv2d.batchNormAct(init))
        .add("act", Layers.RELU);
    NamedSequential f = new NamedSequential().add("conv1_1", stem).add("conv1_pool", POOL);
    int inChs = init;
    for (int s = 0; s < 4; s++) {
      List<DualPathBlock> blocks = new ArrayList<>();
      for (int i = 0; i < config.kSec().get(s); i++) {
        DualPathBlock.Type type = i > 0 ? DualPathBlock.Type.NORMAL
            : s == 0 ? DualPathBlock.Type.PROJ : DualPathBlock.Type.DOWN;
        DualPathBlock block = new DualPathBlock(inChs, config.r(s), config.r(s), config.bw(s),
            config.incSec().get(s), config.groups(), type, config.b(), config.stageChannels(s));
        f.add("conv" + (s + 2) + "_" + (i + 1), block);
        blocks.add(block);
        inChs = block.outChannels();
      }
      stages.add(List.copyOf(blocks));
    }
    head = new CatBnAct(inChs);
    f.add("conv5_bn_ac", head);
    features = register_module("features", f);
    classifier = register_module("classifier", Layers.conv2d(inChs, numClasses, 1, 1, 0));
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, features, GLOBAL_POOL, classifier::forward, Layers.FLATTEN);
  }

  /**
   * The feature maps timm's {@code feature_info} names: the stem's output ({@code conv1_1},
   * stride 2) and each stage's {@code cat(residual, dense)} after its last block (strides 4, 8,
   * 16, 32). The caller owns the returned tensors.
   */
  public List<Tensor> featureMaps(Tensor input) {
    List<Tensor> maps = new ArrayList<>();
    Tensor x = stem.forward(input);
    maps.add(x);
    x = POOL.forward(x);
    for (List<DualPathBlock> blocks : stages) {
      Tensor stageInput = x;
      for (DualPathBlock block : blocks) {
        x = block.forward(x);
      }
      if (stageInput != maps.get(maps.size() - 1)) {
        stageInput.close();
      }
      maps.add(x);
    }
    return maps;
  }
}
