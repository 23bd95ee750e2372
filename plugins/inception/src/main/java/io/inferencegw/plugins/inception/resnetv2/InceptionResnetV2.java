package io.inferencegw.plugins.inception.resnetv2;

import static io.inferencegw.plugin.api.blocks.Layers.FLATTEN;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Inception-ResNet v2 (Szegedy et al. 2016, figure 15) with the module names of timm 1.0.9's
 * {@code inception_resnet_v2}, so that timm's checkpoints load strictly. As timm (and the
 * TensorFlow-slim release its weights come from), the stem is Inception-v3-like rather than the
 * paper's figure 3: {@code conv2d_1a} 3x3 stride 2 (32), {@code conv2d_2a} 3x3 (32),
 * {@code conv2d_2b} 3x3 padded (64), max pool, {@code conv2d_3b} 1x1 (80), {@code conv2d_4a}
 * 3x3 (192), max pool, {@link Mixed5b} (35x35x320); then {@code repeat}: 10 {@link Block35}
 * (scale 0.17), {@link Mixed6a} (17x17x1088), {@code repeat_1}: 20 {@link Block17} (scale 0.1),
 * {@link Mixed7a} (8x8x2080), {@code repeat_2}: 9 {@link Block8} (scale 0.2), {@code block8}
 * (scale 1, no ReLU), {@code conv2d_7b} 1x1 (1536), global average pooling, {@code classif}.
 * The channel widths are the release's (320/1088/2080), not the paper's figure 15
 * (384/1152/2144). timm's {@code head_drop} has rate 0 and no parameters, and is left out.
 *
 * <p>A fresh network keeps PyTorch's default initialisation, as timm's does.
 */
public final class InceptionResnetV2 extends ClassifierModule {

  public static final int FEATURES = 1536;

  // Also what keeps the registered Java modules referenced: once the garbage collector takes
  // the Java object of a registered module, JavaCPP frees the native module.
  private final List<Layer> layers = new ArrayList<>();

  public InceptionResnetV2(int numClasses) {
    super();
    layers.add(add("conv2d_1a", new BasicConv2d(3, 32, 3, 2, 0)));
    layers.add(add("conv2d_2a", new BasicConv2d(32, 32, 3)));
    layers.add(add("conv2d_2b", new BasicConv2d(32, 64, 3, 1, 1)));
    layers.add(TimmPools.MAX_3X3_S2);
    layers.add(add("conv2d_3b", new BasicConv2d(64, 80, 1)));
    layers.add(add("conv2d_4a", new BasicConv2d(80, 192, 3)));
    layers.add(TimmPools.MAX_3X3_S2);
    layers.add(add("mixed_5b", new Mixed5b()));
    layers.add(add("repeat", repeat(10, () -> new Block35(0.17))));
    layers.add(add("mixed_6a", new Mixed6a()));
    layers.add(add("repeat_1", repeat(20, () -> new Block17(0.10))));
    layers.add(add("mixed_7a", new Mixed7a()));
    layers.add(add("repeat_2", repeat(9, () -> new Block8(0.20, false))));
    layers.add(add("block8", new Block8(1.0, true)));
    layers.add(add("conv2d_7b", new BasicConv2d(Block8.CHANNELS, FEATURES, 1)));
    layers.add(Layers.adaptiveAvgPool2d(1, 1));
    layers.add(FLATTEN);
    LinearImpl classif = register_module("classif", Layers.linear(FEATURES, numClasses));
    layers.add(classif::forward);
  }

  private static <B extends ScaledResidualBlock> Sequential repeat(
      int n, Supplier<B> block) {
    Sequential s = new Sequential();
    for (int i = 0; i < n; i++) {
      s.add(block.get());
    }
    return s;
  }

  private <M extends Module & Layer> M add(String name, M block) {
    return register_module(name, block);
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, layers);
  }
}
