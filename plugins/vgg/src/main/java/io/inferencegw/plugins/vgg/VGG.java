package io.inferencegw.plugins.vgg;

import static io.inferencegw.plugin.api.blocks.Layers.FLATTEN;
import static io.inferencegw.plugin.api.blocks.Layers.RELU;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;

/**
 * VGG (Simonyan and Zisserman, 2014) as torchvision's {@code models/vgg.py}: {@code features}
 * made from a configuration by {@link #makeLayers}, an adaptive 7x7 average pool, and a
 * classifier of three linear layers.
 *
 * <pre>
 *   classifier  0 linear 25088->4096, 1 ReLU, 2 dropout, 3 linear 4096->4096, 4 ReLU,
 *               5 dropout, 6 linear 4096->numClasses
 * </pre>
 *
 * <p>A fresh network is initialised as torchvision's {@code init_weights=True} does: convolutions
 * Kaiming-normal (fan_out, ReLU) with zero bias, batch norms 1 and 0, linear layers N(0, 0.01)
 * with zero bias.
 */
public final class VGG extends ClassifierModule {

  /** A 2x2 max pool in a configuration, {@code "M"} in torchvision's {@code cfgs}. */
  public static final int M = 0;

  static final int POOLED = 7;
  static final int FEATURES = 512;
  static final int HIDDEN = 4096;

  private static final Functional AVGPOOL = Layers.adaptiveAvgPool2d(POOLED, POOLED);

  private final Sequential features;
  private final Sequential classifier;

  public VGG(int[] cfg, boolean batchNorm, int numClasses, double dropout) {
    features = register_module("features", makeLayers(cfg, batchNorm));
    classifier = register_module("classifier", new Sequential()
        .add(initLinear(Layers.linear(FEATURES * POOLED * POOLED, HIDDEN))).add(RELU)
        .add(Layers.dropout(dropout))
        .add(initLinear(Layers.linear(HIDDEN, HIDDEN))).add(RELU)
        .add(Layers.dropout(dropout))
        .add(initLinear(Layers.linear(HIDDEN, numClasses))));
  }

  /**
   * torchvision's {@code make_layers}: per number a 3x3 convolution with padding 1 (then batch
   * norm if asked) and ReLU; per {@link #M} a 2x2 max pool with stride 2.
   */
  static Sequential makeLayers(int[] cfg, boolean batchNorm) {
    Sequential layers = new Sequential();
    int in = 3;
    for (int v : cfg) {
      if (v == M) {
        layers.add(Layers.maxPool2d(2, 2));
        continue;
      }
      Conv2dImpl conv = Layers.conv2d(in, v, 3, 1, 1);
      try (PointerScope scope = new PointerScope()) {
        Init.kaimingNormalFanOut(conv.weight());
        Init.constant(conv.bias(), 0);
      }
      layers.add(conv);
      if (batchNorm) {
        layers.add(Layers.batchNorm2d(v)); // LibTorch already starts at weight 1, bias 0
      }
      layers.add(RELU);
      in = v;
    }
    return layers;
  }

  private static LinearImpl initLinear(LinearImpl linear) {
    try (PointerScope scope = new PointerScope()) {
      Init.normal(linear.weight(), 0, 0.01);
      Init.constant(linear.bias(), 0);
    }
    return linear;
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, features, AVGPOOL, FLATTEN, classifier);
  }
}
