package io.inferencegw.plugin.api.blocks;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code torch.cat(parts, 1)} for the branches of a multi-branch block (Inception, Fire, ...):
 * the branch outputs are concatenated along the channels into one new tensor, and their handles
 * are closed right after, so that only the concatenation stays alive.
 */
public final class Concat {

  private Concat() {}

  /**
   * Concatenates {@code parts} along dimension 1 and closes them. The parts must be tensors the
   * caller owns (branch outputs), never the block's input.
   */
  public static Tensor channels(Tensor... parts) {
    try (TensorVector all = new TensorVector(parts)) {
      return torch.cat(all, 1);
    } finally {
      for (Tensor part : parts) {
        part.close();
      }
    }
  }
}
