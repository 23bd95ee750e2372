package io.inferencegw.plugins.inception;

import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import org.bytedeco.pytorch.Module;

/** The pooling layers of timm's Inception v4 and Inception-ResNet v2 blocks. */
public final class TimmPools {

  /** {@code nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)}. */
  public static final Functional AVG_3X3 = Layers.avgPool2d(3, 1, 1, false);

  /** {@code nn.MaxPool2d(3, stride=2)}: the pooling branch of every grid reduction. */
  public static final Functional MAX_3X3_S2 = Layers.maxPool2d(3, 2);

  private TimmPools() {}

  /**
   * The pooling branch of timm's Inception blocks, {@code nn.Sequential(AVG_3X3, unit)}: the
   * unit is keyed {@code 1}, after the parameterless pool.
   */
  public static <M extends Module & Layer> Sequential avgPoolThen(M unit) {
    return new Sequential().add(AVG_3X3).add(unit);
  }
}
