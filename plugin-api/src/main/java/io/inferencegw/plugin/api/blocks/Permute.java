package io.inferencegw.plugin.api.blocks;

import java.util.Arrays;

/**
 * torchvision's {@code ops.misc.Permute(dims)}: a view of the input with its dimensions
 * permuted (no copy). Parameterless, so a {@link Functional} that still takes its index in a
 * {@link Sequential}: {@code Permute([0, 2, 3, 1])} turns NCHW into NHWC for a LayerNorm or
 * Linear over channels, {@code Permute([0, 3, 1, 2])} turns it back.
 */
public final class Permute {

  /** NCHW to NHWC. */
  public static final Functional TO_CHANNELS_LAST = of(0, 2, 3, 1);

  /** NHWC to NCHW. */
  public static final Functional TO_CHANNELS_FIRST = of(0, 3, 1, 2);

  private Permute() {}

  public static Functional of(long... dims) {
    long[] d = dims.clone();
    return new Functional("Permute(" + Arrays.toString(d) + ")", x -> x.permute(d));
  }
}
