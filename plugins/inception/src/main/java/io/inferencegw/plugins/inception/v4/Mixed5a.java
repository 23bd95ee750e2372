package io.inferencegw.plugins.inception.v4;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugins.inception.TimmPools;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code Mixed5a}, the last filter concatenation of the Inception-v4 stem (figure 3): a
 * 3x3 stride-2 convolution (192) beside a 3x3 stride-2 max pool, on 71x71x192; output
 * 35x35x384, the input of the Inception-A blocks.
 */
public final class Mixed5a extends Module implements Layer {

  public static final int OUT_CHANNELS = 192 + 192;

  private final BasicConv2d conv;

  public Mixed5a() {
    super();
    conv = register_module("conv", new BasicConv2d(192, 192, 3, 2, 0));
  }

  @Override
  public Tensor forward(Tensor x) {
    return Concat.channels(conv.forward(x), TimmPools.MAX_3X3_S2.forward(x));
  }
}
