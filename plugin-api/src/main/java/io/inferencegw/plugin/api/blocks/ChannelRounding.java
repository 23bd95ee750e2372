package io.inferencegw.plugin.api.blocks;

/**
 * How width-scaled networks round channel counts: torchvision's {@code _make_divisible} (from
 * TensorFlow's MobileNet code), used by MobileNetV2/V3, EfficientNet and RegNet.
 */
public final class ChannelRounding {

  private ChannelRounding() {}

  /**
   * {@code _make_divisible(v, divisor, min_value)}: {@code v} rounded to the nearest multiple of
   * {@code divisor} (halves up), at least {@code minValue}, and one step more if rounding lost
   * more than 10%.
   */
  public static int makeDivisible(double v, int divisor, int minValue) {
    int rounded = Math.max(minValue, (int) (v + divisor / 2.0) / divisor * divisor);
    if (rounded < 0.9 * v) {
      rounded += divisor;
    }
    return rounded;
  }

  /** {@code _make_divisible(v, divisor)}: the minimum is the divisor. */
  public static int makeDivisible(double v, int divisor) {
    return makeDivisible(v, divisor, divisor);
  }
}
