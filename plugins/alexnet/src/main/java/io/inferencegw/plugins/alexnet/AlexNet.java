package io.inferencegw.plugins.alexnet;

import static io.inferencegw.plugin.api.blocks.Layers.FLATTEN;
import static io.inferencegw.plugin.api.blocks.Layers.RELU;
import static io.inferencegw.plugin.api.blocks.Layers.conv2d;
import static io.inferencegw.plugin.api.blocks.Layers.dropout;
import static io.inferencegw.plugin.api.blocks.Layers.linear;
import static io.inferencegw.plugin.api.blocks.Layers.maxPool2d;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import org.bytedeco.pytorch.Tensor;

/**
 * AlexNet as torchvision's {@code models/alexnet.py}: the one-GPU variant of "One weird trick
 * for parallelizing convolutional neural networks" (Krizhevsky, 2014), with 64/192/384/256/256
 * channels and an adaptive 6x6 average pool before the classifier.
 *
 * <pre>
 *   features    0 conv 3->64 11x11/4 p2, 1 ReLU, 2 maxpool 3/2,
 *               3 conv 64->192 5x5 p2,   4 ReLU, 5 maxpool 3/2,
 *               6 conv 192->384 3x3 p1,  7 ReLU,
 *               8 conv 384->256 3x3 p1,  9 ReLU,
 *              10 conv 256->256 3x3 p1, 11 ReLU, 12 maxpool 3/2
 *   avgpool     adaptive 6x6
 *   classifier  0 dropout, 1 linear 9216->4096, 2 ReLU, 3 dropout, 4 linear 4096->4096,
 *               5 ReLU, 6 linear 4096->numClasses
 * </pre>
 *
 * <p>torchvision keeps PyTorch's default initialisation here, and so does LibTorch.
 */
public final class AlexNet extends ClassifierModule {

  static final int POOLED = 6;
  static final int FEATURES = 256;
  static final int HIDDEN = 4096;

  private static final Functional AVGPOOL = Layers.adaptiveAvgPool2d(POOLED, POOLED);

  private final Sequential features;
  private final Sequential classifier;

  public AlexNet(int numClasses, double dropout) {
    features = register_module("features", new Sequential()
        .add(conv2d(3, 64, 11, 4, 2)).add(RELU).add(maxPool2d(3, 2))
        .add(conv2d(64, 192, 5, 1, 2)).add(RELU).add(maxPool2d(3, 2))
        .add(conv2d(192, 384, 3, 1, 1)).add(RELU)
        .add(conv2d(384, 256, 3, 1, 1)).add(RELU)
        .add(conv2d(256, FEATURES, 3, 1, 1)).add(RELU).add(maxPool2d(3, 2)));
    classifier = register_module("classifier", new Sequential()
        .add(dropout(dropout))
        .add(linear(FEATURES * POOLED * POOLED, HIDDEN)).add(RELU)
        .add(dropout(dropout))
        .add(linear(HIDDEN, HIDDEN)).add(RELU)
        .add(linear(HIDDEN, numClasses)));
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, features, AVGPOOL, FLATTEN, classifier);
  }
}
