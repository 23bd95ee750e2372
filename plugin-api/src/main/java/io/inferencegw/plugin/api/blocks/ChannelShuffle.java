package io.inferencegw.plugin.api.blocks;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The channel shuffle of ShuffleNet (Zhang et al., 2017), torchvision's
 * {@code shufflenetv2.channel_shuffle(x, groups)}: the channels, seen as {@code groups} groups
 * of {@code C / groups}, are interleaved so that channel {@code g * (C / groups) + i} moves to
 * {@code i * groups + g}. It has no parameters.
 */
public final class ChannelShuffle {

  private ChannelShuffle() {}

  /** {@code channel_shuffle(x, groups)} as a new contiguous tensor; {@code x} is left as is. */
  public static Tensor shuffle(Tensor x, int groups) {
    return torch.channel_shuffle(x, groups);
  }

  /** The shuffle as a layer, e.g. for a {@link Sequential}. */
  public static Functional layer(int groups) {
    return new Functional("ChannelShuffle(groups=" + groups + ")", x -> shuffle(x, groups));
  }

  /**
   * {@code channel_shuffle(torch.cat(parts, 1), parts.length)} in one copy instead of two: the
   * parts (each {@code [N, C, H, W]} with the same C) are stacked along a new dimension 2 and
   * that is viewed as {@code [N, parts * C, H, W]}, which is exactly the shuffled
   * concatenation. The parts are closed, as {@link Concat#channels} does: pass only tensors the
   * caller owns (branch outputs or views of the block's input, never the input handle itself).
   */
  public static Tensor concatAndShuffle(Tensor... parts) {
    Tensor stacked;
    try (TensorVector all = new TensorVector(parts)) {
      stacked = torch.stack(all, 2);
    } finally {
      for (Tensor part : parts) {
        part.close();
      }
    }
    Tensor out = stacked.flatten(1, 2);
    stacked.close();
    return out;
  }
}
