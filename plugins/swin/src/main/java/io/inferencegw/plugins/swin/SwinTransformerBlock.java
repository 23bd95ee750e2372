package io.inferencegw.plugins.swin;

import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.MLP;
import io.inferencegw.plugin.api.blocks.StochasticDepth;
import java.util.List;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's {@code SwinTransformerBlock} and {@code SwinTransformerBlockV2} on NHWC maps,
 * registered as {@code norm1}, {@code attn} ({@link ShiftedWindowAttention} or
 * {@link ShiftedWindowAttentionV2}),
 * {@code stochastic_depth}, {@code norm2}, {@code mlp} (Linear dim-&gt;4dim, GELU, Linear):
 *
 * <pre>
 *   V1 (pre-norm):        x = x + sd(attn(norm1(x)));  x = x + sd(mlp(norm2(x)))
 *   V2 (res-post-norm):   x = x + sd(norm1(attn(x)));  x = x + sd(norm2(mlp(x)))
 * </pre>
 *
 * LayerNorms have eps 1e-5. The residual sums run in place on the branch outputs.
 */
public final class SwinTransformerBlock extends Module implements Layer {

  static final double NORM_EPS = 1e-5;

  private final boolean v2;
  private final LayerNormImpl norm1;
  private final ShiftedWindowAttention attn;
  private final StochasticDepth stochasticDepth;
  private final LayerNormImpl norm2;
  private final MLP mlp;
  private final List<Layer> attentionBranch;
  private final List<Layer> mlpBranch;

  public SwinTransformerBlock(int dim, int numHeads, int[] windowSize, int[] shiftSize,
      double mlpRatio, double stochasticDepthProb, boolean v2) {
    super();
    this.v2 = v2;
    norm1 = register_module("norm1", Layers.layerNorm(dim, NORM_EPS));
    attn = register_module("attn", v2
        ? new ShiftedWindowAttentionV2(dim, windowSize, shiftSize, numHeads)
        : new ShiftedWindowAttention(dim, windowSize, shiftSize, numHeads));
    stochasticDepth = register_module("stochastic_depth",
        new StochasticDepth(stochasticDepthProb, StochasticDepth.Mode.ROW));
    norm2 = register_module("norm2", Layers.layerNorm(dim, NORM_EPS));
    MLP m = MLP.transformer(dim, (int) (dim * mlpRatio), dim, 0.0);
    // torchvision's block applies xavier_uniform here, but SwinTransformer's init loop then
    // re-initialises every Linear: truncated normal, std 0.02, zero bias
    m.linears().forEach(SwinTransformer::init);
    mlp = register_module("mlp", m);
    Layer n1 = norm1::forward;
    Layer n2 = norm2::forward;
    attentionBranch = v2 ? List.of(attn, n1) : List.of(n1, attn);
    mlpBranch = v2 ? List.of(mlp, n2) : List.of(n2, mlp);
  }

  public ShiftedWindowAttention attn() {
    return attn;
  }

  public double stochasticDepthProb() {
    return stochasticDepth.p();
  }

  @Override
  public Tensor forward(Tensor input) {
    Tensor x = residual(input, attentionBranch);
    Tensor y = residual(x, mlpBranch);
    Layers.release(x, y, input);
    return y;
  }

  /** {@code x + sd(branch(x))}, summed in place into the branch's fresh output. */
  private Tensor residual(Tensor x, List<Layer> branch) {
    Tensor out = Layers.chain(x, branch);
    Tensor dropped = stochasticDepth.forward(out);
    Layers.release(out, dropped, x);
    dropped.add_(x);
    return dropped;
  }
}
