package io.inferencegw.plugins.inception.v4;

import io.inferencegw.plugin.api.blocks.Concat;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Sequential;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code Mixed4a}, the second filter concatenation of the Inception-v4 stem (figure 3):
 * {@code branch0} 1x1 (64), 3x3 (96); {@code branch1} 1x1 (64), 1x7 (64), 7x1 (64),
 * 3x3 (96); both 3x3 unpadded. On 73x73x160, output 71x71x192.
 */
public final class Mixed4a extends Module implements Layer {

  public static final int OUT_CHANNELS = 96 + 96;

  private final Sequential branch0;
  private final Sequential branch1;

  public Mixed4a() {
    super();
    branch0 = register_module("branch0", new Sequential()
        .add(new BasicConv2d(160, 64, 1))
        .add(new BasicConv2d(64, 96, 3)));
    branch1 = register_module("branch1", new Sequential()
        .add(new BasicConv2d(160, 64, 1))
        .add(new BasicConv2d(64, 64, 1, 7, 1, 0, 3))
        .add(new BasicConv2d(64, 64, 7, 1, 1, 3, 0))
        .add(new BasicConv2d(64, 96, 3)));
  }

  @Override
  public Tensor forward(Tensor x) {
    return Concat.channels(branch0.forward(x), branch1.forward(x));
  }
}
