package io.inferencegw.plugin.api.weights;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * conv 1->6 5x5, batch norm, linear 96->10 on 8x8 input: parameters and buffers (including the
 * 0-dim int64 {@code num_batches_tracked}) of the kinds every real network has.
 */
final class TinyNet extends Module {

  static final String[] KEYS = {
    "conv.weight", "conv.bias",
    "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked",
    "fc.weight", "fc.bias"
  };

  private final Conv2dImpl conv;
  private final BatchNorm2dImpl bn;
  private final LinearImpl fc;

  TinyNet() {
    conv = register_module("conv", new Conv2dImpl(new Conv2dOptions(1, 6, new LongPointer(5, 5))));
    bn = register_module("bn", new BatchNorm2dImpl(new BatchNormOptions(6)));
    fc = register_module("fc", new LinearImpl(96, 10));
  }

  Tensor forward(Tensor x) {
    Tensor y = torch.relu(bn.forward(conv.forward(x)));
    return fc.forward(torch.flatten(y, 1, -1));
  }
}
