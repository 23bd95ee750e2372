package io.inferencegw.plugins.swin;

import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.Sequential;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NormalizeFuncOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * torchvision's {@code ShiftedWindowAttentionV2} (Swin V2): {@link ShiftedWindowAttention} with
 * a continuous relative position bias and scaled cosine attention.
 *
 * <p>State, in torchvision's order: {@code logit_scale [heads, 1, 1]} (parameter),
 * {@code relative_coords_table [1, 2Wh-1, 2Ww-1, 2]} (buffer: log-spaced coordinates, in place
 * of V1's learned table), {@code relative_position_index}, {@code qkv}, {@code proj},
 * {@code cpb_mlp} (Linear 2-&gt;512, ReLU, Linear 512-&gt;heads without bias: the continuous
 * position bias).
 *
 * <ul>
 *   <li>Bias = {@code 16 * sigmoid(cpb_mlp(relative_coords_table)[index])}.</li>
 *   <li>Attention = {@code cos(q, k) * exp(min(logit_scale, ln 100))}: q and k L2-normalised
 *       per head, q scaled per head, logits not scaled further.</li>
 *   <li>The key projection has no bias in effect (torchvision zeroes the middle third of
 *       {@code qkv.bias} on use).</li>
 * </ul>
 */
public final class ShiftedWindowAttentionV2 extends ShiftedWindowAttention {

  private static final double MAX_LOGIT_SCALE = Math.log(100.0);

  private final Tensor logitScale;
  private final Tensor relativeCoordsTable;
  private final Sequential cpbMlp;
  private final DoubleOptional unitScale = new DoubleOptional(1.0);
  private final NormalizeFuncOptions normalize = new NormalizeFuncOptions();

  public ShiftedWindowAttentionV2(int dim, int[] windowSize, int[] shiftSize, int numHeads) {
    this(dim, windowSize, shiftSize, numHeads, relativeCoordsTable(windowSize));
  }

  private ShiftedWindowAttentionV2(int dim, int[] windowSize, int[] shiftSize, int numHeads,
      Tensor relativeCoordsTable) {
    super(dim, windowSize, shiftSize, numHeads, "relative_coords_table", relativeCoordsTable);
    this.relativeCoordsTable = relativeCoordsTable;
    logitScale = torch.full(new long[] {numHeads, 1, 1}, new Scalar(Math.log(10.0)));
    register_parameter("logit_scale", logitScale);
    cpbMlp = register_module("cpb_mlp", new Sequential()
        .add(SwinTransformer.init(Layers.linear(2, 512)))
        .add(Layers.RELU)
        .add(SwinTransformer.init(Layers.linear(512, numHeads, false))));
    normalize.dim().put(-1L);
  }

  /**
   * Swin V2's {@code relative_coords_table}: relative offsets scaled to [-8, 8] and mapped
   * through {@code sign(x) * log2(|x| + 1) / 3}, in float32 as torchvision computes them.
   */
  static Tensor relativeCoordsTable(int[] window) {
    int rows = 2 * window[0] - 1;
    int cols = 2 * window[1] - 1;
    float[] table = new float[rows * cols * 2];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        table[(r * cols + c) * 2] = logSpaced((float) (r - (window[0] - 1)), window[0] - 1);
        table[(r * cols + c) * 2 + 1] = logSpaced((float) (c - (window[1] - 1)), window[1] - 1);
      }
    }
    return torch.tensor(table).reshape(1, rows, cols, 2);
  }

  private static float logSpaced(float offset, int extent) {
    float x = offset / extent * 8f;
    return (float) (Math.signum(x) * (Math.log(Math.abs(x) + 1f) / Math.log(2)) / 3f);
  }

  /** The continuous relative position bias, {@code [heads, N, N]}. */
  @Override
  public Tensor relativePositionBias() {
    return TensorScope.run(() -> {
      Tensor bias = gatherBias(cpbMlp.forward(relativeCoordsTable).view(-1, numHeads()))
          .sigmoid();
      bias.mul_(new Scalar(16.0));
      return bias;
    });
  }

  /** No key bias. */
  @Override
  protected boolean projectionBias(int part) {
    return part != 1;
  }

  /** L2-normalised per head; q also times the per-head logit scale. */
  @Override
  protected Tensor queryKey(Tensor perHead, boolean query) {
    Tensor unit = torch.normalize(perHead, normalize);
    if (query) {
      Tensor scale = logitScale.clamp_max(new Scalar(MAX_LOGIT_SCALE)).exp();
      unit.mul_(scale.view(numHeads(), 1));
    }
    return unit;
  }

  /** 1: cosine attention scales its logits itself. */
  @Override
  protected DoubleOptional attentionScale() {
    return unitScale;
  }
}
