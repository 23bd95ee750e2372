package io.inferencegw.plugins.swin;

import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.ParameterCounts;
import io.inferencegw.plugin.api.blocks.Sequential;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NormalizeFuncOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * torchvision's {@code ShiftedWindowAttention} (Swin V1) and {@code ShiftedWindowAttentionV2}
 * (Swin V2): multi-head self-attention within non-overlapping windows of an NHWC feature map,
 * with the map cyclically shifted by {@code shiftSize} first (and back after), a mask that keeps
 * tokens from attending across the seams of the shift, and a learned relative position bias.
 *
 * <p>State, in torchvision's order:
 * <ul>
 *   <li>V1: {@code relative_position_bias_table [(2Wh-1)(2Ww-1), heads]} (parameter),
 *       {@code relative_position_index [Wh*Ww*Wh*Ww]} (int64 buffer), {@code qkv},
 *       {@code proj}. Bias = {@code table[index]}.</li>
 *   <li>V2: {@code logit_scale [heads, 1, 1]} (parameter), {@code relative_coords_table
 *       [1, 2Wh-1, 2Ww-1, 2]} (buffer: log-spaced coordinates), {@code relative_position_index},
 *       {@code qkv}, {@code proj}, {@code cpb_mlp} (Linear 2-&gt;512, ReLU, Linear 512-&gt;heads
 *       without bias: the continuous position bias). Bias =
 *       {@code 16 * sigmoid(cpb_mlp(relative_coords_table)[index])}; attention is scaled cosine
 *       attention, {@code cos(q, k) * exp(min(logit_scale, ln 100))}, and the key projection has
 *       no bias in effect (torchvision zeroes the middle third of {@code qkv.bias} on use).</li>
 * </ul>
 * Both buffers are persistent in torchvision 0.14 ({@code register_buffer} default), so they are
 * registered buffers here.
 *
 * <p>Computation: equal to torchvision's {@code shifted_window_attention}, arranged for LibTorch's
 * fused {@code scaled_dot_product_attention}. Windows are laid out as {@code [B, N, windows, C]}
 * (N tokens per window) and q, k, v projected separately (three views of {@code qkv.weight}), so
 * that {@code [B, windows * heads, N, head_dim]} is a view of each: windows become extra heads of
 * one attention call, and the relative position bias plus the shift mask form one additive
 * {@code [1, windows * heads, N, N]} mask, built once per call and shared by the whole batch.
 */
public final class ShiftedWindowAttention extends Module implements Layer {

  /** Value of the shift mask between tokens of different regions, as torchvision's. */
  static final float MASKED = -100f;

  private final boolean v2;
  private final int dim;
  private final int numHeads;
  private final int[] windowSize;
  private final int[] shiftSize;
  private final Tensor relativePositionBiasTable; // V1
  private final Tensor logitScale; // V2
  private final Tensor relativeCoordsTable; // V2
  private final Tensor relativePositionIndex;
  private final LinearImpl qkv;
  private final LinearImpl proj;
  private final Sequential cpbMlp; // V2
  private final TensorOptional noBias = new TensorOptional();
  private final DoubleOptional scale;
  private final NormalizeFuncOptions normalize;
  private final double maxLogitScale = Math.log(100.0);

  public ShiftedWindowAttention(int dim, int[] windowSize, int[] shiftSize, int numHeads,
      boolean v2) {
    super();
    if (windowSize.length != 2 || shiftSize.length != 2) {
      throw new IllegalArgumentException("window_size and shift_size must be of length 2");
    }
    this.v2 = v2;
    this.dim = dim;
    this.numHeads = numHeads;
    this.windowSize = windowSize.clone();
    this.shiftSize = shiftSize.clone();
    int tableSize = (2 * windowSize[0] - 1) * (2 * windowSize[1] - 1);
    if (v2) {
      relativePositionBiasTable = null;
      logitScale = torch.full(new long[] {numHeads, 1, 1}, new Scalar(Math.log(10.0)));
      register_parameter("logit_scale", logitScale);
      relativeCoordsTable = relativeCoordsTable(windowSize);
      register_buffer("relative_coords_table", relativeCoordsTable);
    } else {
      logitScale = null;
      relativeCoordsTable = null;
      relativePositionBiasTable = torch.empty(tableSize, numHeads);
      Init.truncNormal(relativePositionBiasTable, 0.02);
      register_parameter("relative_position_bias_table", relativePositionBiasTable);
    }
    relativePositionIndex = relativePositionIndex(windowSize);
    register_buffer("relative_position_index", relativePositionIndex);
    qkv = register_module("qkv", SwinTransformer.init(Layers.linear(dim, 3 * dim)));
    proj = register_module("proj", SwinTransformer.init(Layers.linear(dim, dim)));
    if (v2) {
      cpbMlp = register_module("cpb_mlp", new Sequential()
          .add(SwinTransformer.init(Layers.linear(2, 512)))
          .add(Layers.RELU)
          .add(SwinTransformer.init(Layers.linear(512, numHeads, false))));
      scale = new DoubleOptional(1.0);
    } else {
      cpbMlp = null;
      scale = new DoubleOptional(); // 1 / sqrt(head_dim)
    }
    normalize = new NormalizeFuncOptions();
    normalize.dim().put(-1L);
  }

  /**
   * torchvision's {@code define_relative_position_index}: for each pair of tokens of a window,
   * the row of their relative offset in the bias table.
   */
  static Tensor relativePositionIndex(int[] window) {
    int wh = window[0];
    int ww = window[1];
    int n = wh * ww;
    long[] index = new long[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        long dh = i / ww - j / ww + wh - 1;
        long dw = i % ww - j % ww + ww - 1;
        index[i * n + j] = dh * (2L * ww - 1) + dw;
      }
    }
    return torch.tensor(index);
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

  public boolean isV2() {
    return v2;
  }

  public int[] shiftSize() {
    return shiftSize.clone();
  }

  public Tensor relativePositionIndex() {
    return relativePositionIndex;
  }

  /** The relative position bias, {@code [heads, N, N]}. */
  public Tensor relativePositionBias() {
    long n = (long) windowSize[0] * windowSize[1];
    Tensor table;
    if (v2) {
      Tensor mlp = cpbMlp.forward(relativeCoordsTable);
      table = mlp.view(-1, numHeads);
      mlp.close();
    } else {
      table = relativePositionBiasTable;
    }
    Tensor gathered = table.index_select(0, relativePositionIndex);
    if (table != relativePositionBiasTable) {
      table.close();
    }
    Tensor square = gathered.view(n, n, numHeads);
    gathered.close();
    Tensor bias = square.permute(2, 0, 1);
    square.close();
    if (v2) {
      Tensor sigmoid = bias.sigmoid();
      bias.close();
      sigmoid.mul_(new Scalar(16.0));
      return sigmoid;
    }
    return bias;
  }

  @Override
  public Tensor forward(Tensor input) {
    final long b = input.size(0);
    final long h = input.size(1);
    final long w = input.size(2);
    final long c = input.size(3);
    final int wh = windowSize[0];
    final int ww = windowSize[1];
    // pad feature maps to multiples of the window size
    long padR = (ww - w % ww) % ww;
    long padB = (wh - h % wh) % wh;
    Tensor x = input;
    if (padR > 0 || padB > 0) {
      x = torch.constant_pad_nd(input, 0, 0, 0, padR, 0, padB);
    }
    long padH = h + padB;
    long padW = w + padR;
    // if the window covers the whole map, there is nothing to shift
    long shiftH = wh >= padH ? 0 : shiftSize[0];
    long shiftW = ww >= padW ? 0 : shiftSize[1];
    boolean shifted = shiftH + shiftW > 0;
    if (shifted) {
      Tensor rolled = torch.roll(x, new long[] {-shiftH, -shiftW}, 1, 2);
      Layers.release(x, rolled, input);
      x = rolled;
    }
    long nh = padH / wh;
    long nw = padW / ww;
    long windows = nh * nw;
    long n = (long) wh * ww;
    long headDim = c / numHeads;

    // partition: [B, nh, Wh, nw, Ww, C] -> [B, Wh, Ww, nh, nw, C] = [B, N, windows, C] (one copy)
    Tensor grid = x.reshape(b, nh, wh, nw, ww, c); // a view for contiguous maps
    Layers.release(x, grid, input);
    Tensor permuted = grid.permute(0, 2, 4, 1, 3, 5);
    grid.close();
    Tensor tokens = permuted.reshape(b, n, windows, c);
    permuted.close();

    Tensor q = project(tokens, 0, true, windows, b, n, headDim);
    Tensor k = project(tokens, 1, !v2, windows, b, n, headDim);
    Tensor v = project(tokens, 2, true, windows, b, n, headDim);
    tokens.close();
    Tensor mask = attentionMask(padH, padW, shiftH, shiftW, windows, input);
    Tensor attended = torch.scaled_dot_product_attention(q, k, v, new TensorOptional(mask), 0.0,
        false, scale, false);
    q.close();
    k.close();
    v.close();
    mask.close();
    // [B, windows * heads, N, D] -> [B, N, windows, C]
    Tensor transposed = attended.transpose(1, 2);
    attended.close();
    Tensor merged = transposed.reshape(b, n, windows, c);
    transposed.close();
    Tensor projected = proj.forward(merged);
    merged.close();
    // reverse the partition: [B, Wh, Ww, nh, nw, C] -> [B, nh, Wh, nw, Ww, C] -> [B, H', W', C]
    Tensor back = projected.view(b, wh, ww, nh, nw, c);
    projected.close();
    Tensor unpermuted = back.permute(0, 3, 1, 4, 2, 5);
    back.close();
    Tensor out = unpermuted.reshape(b, padH, padW, c);
    unpermuted.close();
    if (shifted) {
      Tensor rolled = torch.roll(out, new long[] {shiftH, shiftW}, 1, 2);
      out.close();
      out = rolled;
    }
    if (padR > 0 || padB > 0) {
      Tensor cropped = out.narrow(1, 0, h).narrow(2, 0, w).contiguous();
      out.close();
      out = cropped;
    }
    return out;
  }

  /**
   * Part {@code part} (0 q, 1 k, 2 v) of the qkv projection of {@code tokens [B, N, windows, C]},
   * as {@code [B, windows * heads, N, D]}: a view, since windows and heads are adjacent in the
   * projection's output. For V2, q and k are L2-normalised and q is scaled by the logit scale.
   */
  private Tensor project(Tensor tokens, int part, boolean withBias, long windows, long b, long n,
      long headDim) {
    Tensor weight = qkv.weight().narrow(0, (long) part * dim, dim);
    Tensor projected;
    if (withBias && qkv.options().bias().get()) {
      Tensor bias = qkv.bias().narrow(0, (long) part * dim, dim);
      projected = torch.linear(tokens, weight, new TensorOptional(bias));
      bias.close();
    } else {
      projected = torch.linear(tokens, weight, noBias);
    }
    weight.close();
    if (v2 && part < 2) {
      Tensor perHead = projected.view(b, n, windows, numHeads, headDim);
      projected.close();
      Tensor unit = torch.normalize(perHead, normalize);
      perHead.close();
      if (part == 0) {
        Tensor logit = logitScale.clamp_max(new Scalar(maxLogitScale));
        logit.exp_();
        Tensor perHeadScale = logit.view(numHeads, 1);
        logit.close();
        unit.mul_(perHeadScale);
        perHeadScale.close();
      }
      projected = unit;
    }
    Tensor heads = projected.reshape(b, n, windows * numHeads, headDim);
    projected.close();
    Tensor out = heads.transpose(1, 2);
    heads.close();
    return out;
  }

  /**
   * Relative position bias plus, for shifted windows, torchvision's region mask: {@code -100}
   * between tokens that come from different regions of the shifted map. {@code [1, windows *
   * heads, N, N]}, on the device and in the dtype of {@code like}.
   */
  private Tensor attentionMask(long padH, long padW, long shiftH, long shiftW, long windows,
      Tensor like) {
    long n = (long) windowSize[0] * windowSize[1];
    Tensor bias = relativePositionBias(); // [heads, N, N]
    Tensor perWindow = bias.unsqueeze(0); // [1, heads, N, N]
    bias.close();
    Tensor combined;
    if (shiftH + shiftW > 0) {
      Tensor regions = torch.tensor(shiftMask(padH, padW, shiftH, shiftW))
          .view(windows, 1, n, n);
      Tensor regionMask = regions.to(like.device(), perWindow.scalar_type());
      regions.close();
      combined = perWindow.add(regionMask); // [windows, heads, N, N]
      regionMask.close();
    } else if (windows > 1) {
      Tensor expanded = perWindow.expand(windows, numHeads, n, n);
      combined = expanded.contiguous();
      expanded.close();
    } else {
      combined = perWindow.contiguous();
    }
    perWindow.close();
    Tensor mask = combined.reshape(1, windows * numHeads, n, n);
    combined.close();
    return mask;
  }

  /**
   * torchvision's attention mask for a shifted {@code padH x padW} map, window by window:
   * {@code [windows, N, N]}, 0 within a region, {@link #MASKED} across regions. Regions are
   * assigned with Python slice semantics exactly as torchvision's three h and w slices.
   */
  static float[] shiftMask(long padH, long padW, long shiftH, long shiftW, int[] windowSize) {
    int wh = windowSize[0];
    int ww = windowSize[1];
    int rows = (int) padH;
    int cols = (int) padW;
    int[] rowRegion = regions(rows, wh, (int) shiftH);
    int[] colRegion = regions(cols, ww, (int) shiftW);
    int nh = rows / wh;
    int nw = cols / ww;
    int n = wh * ww;
    float[] mask = new float[nh * nw * n * n];
    int[] id = new int[n];
    for (int ih = 0; ih < nh; ih++) {
      for (int iw = 0; iw < nw; iw++) {
        for (int t = 0; t < n; t++) {
          id[t] = rowRegion[ih * wh + t / ww] * 3 + colRegion[iw * ww + t % ww];
        }
        int base = (ih * nw + iw) * n * n;
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            mask[base + i * n + j] = id[i] == id[j] ? 0f : MASKED;
          }
        }
      }
    }
    return mask;
  }

  private float[] shiftMask(long padH, long padW, long shiftH, long shiftW) {
    return shiftMask(padH, padW, shiftH, shiftW, windowSize);
  }

  /**
   * Region of each row (or column) after {@code attn_mask[s] = count} for the slices
   * {@code (0, -window), (-window, -shift), (-shift, None)} in order, with Python's semantics
   * (negative bounds count from the end, {@code -0} is 0, later slices overwrite earlier ones).
   */
  static int[] regions(int length, int window, int shift) {
    int[] region = new int[length];
    Integer[][] slices = {{0, -window}, {-window, -shift}, {-shift, null}};
    for (int s = 0; s < slices.length; s++) {
      int start = pyIndex(slices[s][0], length);
      int stop = slices[s][1] == null ? length : pyIndex(slices[s][1], length);
      for (int i = start; i < stop; i++) {
        region[i] = s;
      }
    }
    return region;
  }

  private static int pyIndex(int index, int length) {
    int i = index < 0 ? index + length : index;
    return Math.max(0, Math.min(length, i));
  }

  /** Exact parameter count. */
  public static long parameterCount(int dim, int[] windowSize, int numHeads, boolean v2) {
    long count = ParameterCounts.linear(dim, 3L * dim) + ParameterCounts.linear(dim, dim);
    if (v2) {
      return count + numHeads + ParameterCounts.linear(2, 512)
          + ParameterCounts.linear(512, numHeads, false);
    }
    return count + (long) (2 * windowSize[0] - 1) * (2 * windowSize[1] - 1) * numHeads;
  }

}
