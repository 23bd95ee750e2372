package io.inferencegw.plugins.swin;

import static io.inferencegw.plugin.api.blocks.Layers.FLATTEN;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Permute;
import io.inferencegw.plugin.api.blocks.Sequential;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;

/**
 * The Swin Transformer (Liu et al., 2021) and Swin Transformer V2 (Liu et al., 2022) as
 * torchvision's {@code models/swin_transformer.py}:
 *
 * <pre>
 *   features  0 patch embedding: Sequential(0 conv 4x4 stride 4, 1 Permute to NHWC,
 *               2 LayerNorm), then per stage a Sequential of {@link SwinTransformerBlock}s
 *               (shift 0 for even blocks, window/2 for odd ones) and, between stages,
 *               {@link PatchMerging}
 *   norm      LayerNorm; then permute to NCHW, average pool, flatten
 *   head      Linear
 * </pre>
 *
 * Everything between the patch embedding and the head runs on NHWC maps. LayerNorms have eps
 * 1e-5. The stochastic depth probability grows linearly from 0 over the blocks (the identity in
 * eval mode). The network takes any input size (windows pad as needed); the native sizes are
 * 224 (V1) and 256 (V2). A fresh network is initialised as torchvision's: every Linear
 * truncated-normal with std 0.02 and zero bias, relative position bias tables likewise with std
 * 0.02, the patch embedding with PyTorch's default.
 */
public final class SwinTransformer extends ClassifierModule {

  private static final Functional AVGPOOL = Layers.adaptiveAvgPool2d(1, 1);

  private final Sequential features;
  private final LayerNormImpl norm;
  private final LinearImpl head;
  private final List<SwinTransformerBlock> blocks = new ArrayList<>();

  /**
   * @param v2 {@code block=SwinTransformerBlockV2, downsample_layer=PatchMergingV2}
   */
  public SwinTransformer(int[] patchSize, int embedDim, int[] depths, int[] numHeads,
      int[] windowSize, double stochasticDepthProb, int numClasses, boolean v2) {
    double mlpRatio = 4.0;
    features = new Sequential();
    features.add(new Sequential()
        .add(Layers.conv2d(3, embedDim, patchSize[0], patchSize[0], 0, 1, 1, true))
        .add(Permute.TO_CHANNELS_LAST)
        .add(Layers.layerNorm(embedDim, SwinTransformerBlock.NORM_EPS)));
    if (patchSize[0] != patchSize[1]) {
      throw new IllegalArgumentException("square patches only");
    }
    int totalBlocks = 0;
    for (int d : depths) {
      totalBlocks += d;
    }
    int blockId = 0;
    for (int stage = 0; stage < depths.length; stage++) {
      Sequential layers = new Sequential();
      int dim = embedDim << stage;
      for (int i = 0; i < depths[stage]; i++) {
        double sdProb = stochasticDepthProb * blockId / (totalBlocks - 1.0);
        int[] shift = i % 2 == 0 ? new int[] {0, 0}
            : new int[] {windowSize[0] / 2, windowSize[1] / 2};
        SwinTransformerBlock block = new SwinTransformerBlock(
            dim, numHeads[stage], windowSize, shift, mlpRatio, sdProb, v2);
        blocks.add(block);
        layers.add(block);
        blockId++;
      }
      features.add(layers);
      if (stage < depths.length - 1) {
        features.add(new PatchMerging(dim, v2));
      }
    }
    register_module("features", features);
    int numFeatures = embedDim << (depths.length - 1);
    norm = register_module("norm", Layers.layerNorm(numFeatures, SwinTransformerBlock.NORM_EPS));
    head = register_module("head", init(Layers.linear(numFeatures, numClasses)));
  }

  /** torchvision's init loop over every {@code nn.Linear}: trunc_normal_(std=0.02), zero bias. */
  static LinearImpl init(LinearImpl linear) {
    try (PointerScope scope = new PointerScope()) {
      Init.truncNormal(linear.weight(), 0.02);
      if (linear.options().bias().get()) {
        Init.zeros(linear.bias());
      }
    }
    return linear;
  }

  /** The blocks of all stages in order. */
  public List<SwinTransformerBlock> blocks() {
    return List.copyOf(blocks);
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, features, norm::forward, Permute.TO_CHANNELS_FIRST, AVGPOOL,
        FLATTEN, head::forward);
  }

  /**
   * Frees the shift masks the attention modules cached, then the network. The blocks' wrappers
   * are left alone: closing one would free a module the native network still refers to.
   */
  @Override
  public void close() {
    blocks.forEach(block -> block.attn().releaseCachedMasks());
    super.close();
  }
}
