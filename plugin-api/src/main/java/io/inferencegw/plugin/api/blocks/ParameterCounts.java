package io.inferencegw.plugin.api.blocks;

/**
 * Parameter counts of single layers, for catalogs that state a variant's exact count without
 * building it ({@code VariantSpec.parameters()}); the parity tests check the sums against the
 * built modules and the reference.
 */
public final class ParameterCounts {

  private ParameterCounts() {}

  /** {@code nn.Conv2d(in, out, kernel, groups=groups, bias=bias)}, square kernel. */
  public static long conv2d(long in, long out, int kernel, int groups, boolean bias) {
    return in / groups * out * kernel * kernel + (bias ? out : 0);
  }

  /** {@code nn.Conv2d(in, out, kernel)} with a bias. */
  public static long conv2d(long in, long out, int kernel) {
    return conv2d(in, out, kernel, 1, true);
  }

  /** {@code nn.BatchNorm2d(features)}: weight and bias (running statistics are buffers). */
  public static long batchNorm(long features) {
    return 2 * features;
  }

  /** {@code nn.LayerNorm(features)} (or LayerNorm2d): weight and bias. */
  public static long layerNorm(long features) {
    return 2 * features;
  }

  /** {@code nn.Linear(in, out)} with a bias. */
  public static long linear(long in, long out) {
    return in * out + out;
  }

  /** {@code nn.Linear(in, out, bias=bias)}. */
  public static long linear(long in, long out, boolean bias) {
    return in * out + (bias ? out : 0);
  }
}
