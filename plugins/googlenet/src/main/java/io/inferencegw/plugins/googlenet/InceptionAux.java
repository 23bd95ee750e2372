package io.inferencegw.plugins.googlenet;

import static io.inferencegw.plugin.api.blocks.Layers.FLATTEN;
import static io.inferencegw.plugin.api.blocks.Layers.RELU;

import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import org.bytedeco.pytorch.DropoutImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * An auxiliary classifier of GoogLeNet as torchvision's {@code InceptionAux}: adaptive average
 * pool to 4x4, {@code conv} 1x1 to 128 channels, flatten (2048), {@code fc1} to 1024, ReLU,
 * {@code dropout} (0.7), {@code fc2} to the classes. Only used in training; the network keeps
 * it so that checkpoints with its keys load strictly.
 */
public final class InceptionAux extends Module implements Layer {

  private static final Functional POOL = Layers.adaptiveAvgPool2d(4, 4);

  private final BasicConv2d conv;
  private final LinearImpl fc1;
  private final LinearImpl fc2;
  private final DropoutImpl dropout;

  public InceptionAux(int in, int numClasses, double dropoutRate) {
    super();
    conv = register_module("conv", new BasicConv2d(in, 128, 1));
    fc1 = register_module("fc1", Layers.linear(2048, 1024));
    fc2 = register_module("fc2", Layers.linear(1024, numClasses));
    dropout = register_module("dropout", Layers.dropout(dropoutRate));
  }

  @Override
  public Tensor forward(Tensor x) {
    return Layers.chain(x, POOL, conv, FLATTEN, fc1::forward, RELU,
        dropout::forward, fc2::forward);
  }
}
