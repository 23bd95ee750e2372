package io.inferencegw.plugins.inception.v4;

import static io.inferencegw.plugin.api.blocks.Layers.FLATTEN;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;

/**
 * Inception v4 (Szegedy, Ioffe, Vanhoucke, Alemi 2016, "Inception-v4, Inception-ResNet and the
 * impact of residual connections on learning", figure 9) with the module names of timm 1.0.9's
 * {@code inception_v4}, so that timm's checkpoints load strictly. {@code features} is one
 * sequence, indices as timm's: 0-2 stem convolutions (3x3 stride 2 (32), 3x3 (32), 3x3 padded
 * (64); 147x147x64), 3 {@link Mixed3a}, 4 {@link Mixed4a}, 5 {@link Mixed5a} (35x35x384), 6-9
 * four {@link InceptionA}, 10 {@link ReductionA} (17x17x1024), 11-17 seven {@link InceptionB},
 * 18 {@link ReductionB} (8x8x1536), 19-21 three {@link InceptionC}; then global average pooling
 * and {@code last_linear}. Every convolution is a {@link BasicConv2d} (timm's
 * {@code ConvNormAct}: no bias, BatchNorm eps 1e-3, ReLU). timm's {@code head_drop} has rate 0
 * and no parameters, and is left out.
 *
 * <p>A fresh network keeps PyTorch's default initialisation, as timm's does.
 */
public final class InceptionV4 extends ClassifierModule {

  public static final int FEATURES = InceptionC.CHANNELS;

  private static final Functional GLOBAL_POOL = Layers.adaptiveAvgPool2d(1, 1);

  private final Sequential features;
  private final LinearImpl lastLinear;

  public InceptionV4(int numClasses) {
    super();
    Sequential f = new Sequential()
        .add(new BasicConv2d(3, 32, 3, 2, 0))
        .add(new BasicConv2d(32, 32, 3))
        .add(new BasicConv2d(32, 64, 3, 1, 1))
        .add(new Mixed3a())
        .add(new Mixed4a())
        .add(new Mixed5a());
    for (int i = 0; i < 4; i++) {
      f.add(new InceptionA());
    }
    f.add(new ReductionA());
    for (int i = 0; i < 7; i++) {
      f.add(new InceptionB());
    }
    f.add(new ReductionB());
    for (int i = 0; i < 3; i++) {
      f.add(new InceptionC());
    }
    features = register_module("features", f);
    lastLinear = register_module("last_linear", Layers.linear(FEATURES, numClasses));
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, features, GLOBAL_POOL, FLATTEN,
        lastLinear::forward);
  }
}
