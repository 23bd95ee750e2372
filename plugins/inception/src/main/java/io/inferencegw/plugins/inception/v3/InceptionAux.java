package io.inferencegw.plugins.inception.v3;

import static io.inferencegw.plugin.api.blocks.Layers.FLATTEN;

import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's {@code InceptionAux} of Inception v3 ({@code AuxLogits}, on the 17x17x768 map
 * after Mixed_6e): 5x5 average pool stride 3, {@code conv0} 1x1 (128), {@code conv1} 5x5 (768),
 * adaptive average pool, flatten, {@code fc}. Only used in training; kept so that checkpoints
 * with its keys load strictly.
 */
public final class InceptionAux extends Module implements Layer {

  private static final Functional POOL = Layers.avgPool2d(5, 3, 0, true);
  private static final Functional GLOBAL_POOL = Layers.adaptiveAvgPool2d(1, 1);

  private final BasicConv2d conv0;
  private final BasicConv2d conv1;
  private final LinearImpl fc;

  public InceptionAux(int in, int numClasses) {
    super();
    conv0 = register_module("conv0", new BasicConv2d(in, 128, 1));
    conv1 = register_module("conv1", new BasicConv2d(128, 768, 5));
    fc = register_module("fc", Layers.linear(768, numClasses));
  }

  BasicConv2d conv1() {
    return conv1;
  }

  LinearImpl fc() {
    return fc;
  }

  @Override
  public Tensor forward(Tensor x) {
    return Layers.chain(x, POOL, conv0, conv1, GLOBAL_POOL, FLATTEN,
        fc::forward);
  }
}
