package io.inferencegw.plugins.squeezenet;

import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The Fire module of SqueezeNet, as torchvision's {@code Fire}: a 1x1 "squeeze" convolution
 * and ReLU, then 1x1 and 3x3 "expand" convolutions with ReLU whose outputs are concatenated
 * along the channels. Registered as {@code squeeze, expand1x1, expand3x3} (the activations have
 * no parameters), the state_dict keys of torchvision.
 */
public final class Fire extends Module implements Layer {

  private final Conv2dImpl squeeze;
  private final Conv2dImpl expand1x1;
  private final Conv2dImpl expand3x3;

  public Fire(int inplanes, int squeezePlanes, int expand1x1Planes, int expand3x3Planes) {
    squeeze = register_module("squeeze", Layers.conv2d(inplanes, squeezePlanes, 1, 1, 0));
    expand1x1 =
        register_module("expand1x1", Layers.conv2d(squeezePlanes, expand1x1Planes, 1, 1, 0));
    expand3x3 =
        register_module("expand3x3", Layers.conv2d(squeezePlanes, expand3x3Planes, 3, 1, 1));
    for (Conv2dImpl conv : new Conv2dImpl[] {squeeze, expand1x1, expand3x3}) {
      initConv(conv);
    }
  }

  /** torchvision's SqueezeNet init for every convolution but the last: Kaiming-uniform, bias 0. */
  static void initConv(Conv2dImpl conv) {
    try (PointerScope scope = new PointerScope()) {
      Init.kaimingUniform(conv.weight());
      Init.constant(conv.bias(), 0);
    }
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor s = squeeze.forward(x);
    s.relu_();
    Tensor a = expand1x1.forward(s);
    a.relu_();
    Tensor b = expand3x3.forward(s);
    b.relu_();
    s.close();
    try (TensorVector both = new TensorVector(a, b)) {
      return torch.cat(both, 1);
    } finally {
      a.close();
      b.close();
    }
  }
}
