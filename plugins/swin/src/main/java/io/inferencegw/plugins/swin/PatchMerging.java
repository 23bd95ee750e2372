package io.inferencegw.plugins.swin;

import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * torchvision's {@code PatchMerging} (V1) and {@code PatchMergingV2}: halves an NHWC map's
 * height and width (padding odd sizes with zeros) by concatenating each 2x2 neighbourhood's
 * channels in the order (0,0), (1,0), (0,1), (1,1), then {@code reduction} (Linear 4C-&gt;2C, no
 * bias) and {@code norm}: V1 normalises before the reduction ({@code LayerNorm(4C)}), V2 after
 * it ({@code LayerNorm(2C)}). Keys: {@code reduction.weight}, {@code norm.weight},
 * {@code norm.bias}.
 */
public final class PatchMerging extends Module implements Layer {

  private final boolean v2;
  private final LinearImpl reduction;
  private final LayerNormImpl norm;

  public PatchMerging(int dim, boolean v2) {
    super();
    this.v2 = v2;
    reduction = register_module("reduction",
        SwinTransformer.init(Layers.linear(4 * dim, 2 * dim, false)));
    norm = register_module("norm",
        Layers.layerNorm(v2 ? 2 * dim : 4 * dim, SwinTransformerBlock.NORM_EPS));
  }

  @Override
  public Tensor forward(Tensor input) {
    Tensor merged = merge(input);
    Tensor first = v2 ? reduction.forward(merged) : norm.forward(merged);
    merged.close();
    Tensor out = v2 ? norm.forward(first) : reduction.forward(first);
    first.close();
    return out;
  }

  /**
   * torchvision's {@code _patch_merging_pad}: {@code cat([x[0::2, 0::2], x[1::2, 0::2],
   * x[0::2, 1::2], x[1::2, 1::2]], -1)}, here as one permuted copy of a
   * {@code [B, H/2, 2, W/2, 2, C]} view.
   */
  static Tensor merge(Tensor input) {
    long b = input.size(0);
    long h = input.size(1);
    long w = input.size(2);
    long c = input.size(3);
    Tensor x = input;
    if (h % 2 != 0 || w % 2 != 0) {
      x = torch.constant_pad_nd(input, 0, 0, 0, w % 2, 0, h % 2);
      h += h % 2;
      w += w % 2;
    }
    // x[b, 2i + a, 2j + e, ch] = grid[b, i, a, j, e, ch]; output channel (a + 2e) * C + ch
    Tensor grid = x.reshape(b, h / 2, 2, w / 2, 2, c);
    Layers.release(x, grid, input);
    Tensor permuted = grid.permute(0, 1, 3, 4, 2, 5);
    grid.close();
    Tensor out = permuted.reshape(b, h / 2, w / 2, 4 * c);
    permuted.close();
    return out;
  }
}
