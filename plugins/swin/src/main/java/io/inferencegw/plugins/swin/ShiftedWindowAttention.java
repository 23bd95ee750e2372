package io.inferencegw.plugins.swin;

import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * torchvision's {@code ShiftedWindowAttention} (Swin V1; {@link ShiftedWindowAttentionV2} for
 * V2): multi-head self-attention within non-overlapping windows of an NHWC feature map, with
 * the map cyclically shifted by {@code shiftSize} first (and back after), a mask that keeps
 * tokens from attending across the seams of the shift, and a learned relative position bias.
 *
 * <p>State, in torchvision's order: {@code relative_position_bias_table [(2Wh-1)(2Ww-1), heads]}
 * (parameter), {@code relative_position_index [Wh*Ww*Wh*Ww]} (int64 buffer, persistent as in
 * torchvision 0.14), {@code qkv}, {@code proj}. Bias = {@code table[index]}.
 *
 * <p>Computation: equal to torchvision's {@code shifted_window_attention}, arranged for LibTorch's
 * fused {@code scaled_dot_product_attention}. Windows are laid out as {@code [B, N, windows, C]}
 * (N tokens per window) and q, k, v projected separately (three views of {@code qkv.weight}), so
 * that {@code [B, windows * heads, N, head_dim]} is a view of each: windows become extra heads of
 * one attention call, and the relative position bias plus the shift mask form one additive
 * {@code [1, windows * heads, N, N]} mask, built once per call and shared by the whole batch.
 * The shift mask itself depends on the map size only and is cached ({@link ShiftMaskCache}).
 *
 * <p>Native memory: the forward pass and its steps (partition and attention, each projection,
 * the reverse partition) each run in a {@link TensorScope}, which frees what the step created
 * when it ends and hands its result on. {@link #close} frees the cached masks too.
 */
public class ShiftedWindowAttention extends Module implements Layer {

  /** Value of the shift mask between tokens of different regions, as torchvision's. */
  static final float MASKED = -100f;

  private final int dim;
  private final int numHeads;
  private final int[] windowSize;
  private final int[] shiftSize;
  private final Tensor relativePositionBiasTable; // null in subclasses with another bias
  private final Tensor relativePositionIndex;
  private final LinearImpl qkv;
  private final LinearImpl proj;
  private final TensorOptional noBias = new TensorOptional();
  private final DoubleOptional defaultScale = new DoubleOptional(); // 1 / sqrt(head_dim)
  private final ShiftMaskCache shiftMasks = new ShiftMaskCache();

  public ShiftedWindowAttention(int dim, int[] windowSize, int[] shiftSize, int numHeads) {
    this(dim, windowSize, shiftSize, numHeads, null, null);
  }

  /**
   * For a subclass whose relative position bias is computed from a buffer rather than read
   * from V1's learned table (Swin V2): {@code tableName} and {@code tableBuffer} are what
   * torchvision's overridden {@code define_relative_position_bias_table} registers, here, as
   * there, before {@code relative_position_index}. Null for V1's table.
   */
  protected ShiftedWindowAttention(int dim, int[] windowSize, int[] shiftSize, int numHeads,
      String tableName, Tensor tableBuffer) {
    super();
    if (windowSize.length != 2 || shiftSize.length != 2) {
      throw new IllegalArgumentException("window_size and shift_size must be of length 2");
    }
    this.dim = dim;
    this.numHeads = numHeads;
    this.windowSize = windowSize.clone();
    this.shiftSize = shiftSize.clone();
    if (tableBuffer == null) {
      relativePositionBiasTable =
          torch.empty((2 * windowSize[0] - 1) * (2 * windowSize[1] - 1), numHeads);
      Init.truncNormal(relativePositionBiasTable, 0.02);
      register_parameter("relative_position_bias_table", relativePositionBiasTable);
    } else {
      relativePositionBiasTable = null;
      register_buffer(tableName, tableBuffer);
    }
    relativePositionIndex = relativePositionIndex(windowSize);
    register_buffer("relative_position_index", relativePositionIndex);
    qkv = register_module("qkv", SwinTransformer.init(Layers.linear(dim, 3 * dim)));
    proj = register_module("proj", SwinTransformer.init(Layers.linear(dim, dim)));
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

  public int[] shiftSize() {
    return shiftSize.clone();
  }

  public int[] windowSize() {
    return windowSize.clone();
  }

  public int numHeads() {
    return numHeads;
  }

  public Tensor relativePositionIndex() {
    return relativePositionIndex;
  }

  /** The relative position bias, {@code [heads, N, N]}: V1's {@code table[index]}. */
  public Tensor relativePositionBias() {
    return gatherBias(relativePositionBiasTable);
  }

  /**
   * torchvision's {@code _get_relative_position_bias}: {@code table [(2Wh-1)(2Ww-1), heads]}
   * read at {@code relative_position_index}, as {@code [heads, N, N]}.
   */
  protected final Tensor gatherBias(Tensor table) {
    long n = (long) windowSize[0] * windowSize[1];
    return TensorScope.run(() ->
        table.index_select(0, relativePositionIndex).view(n, n, numHeads).permute(2, 0, 1));
  }

  /**
   * Whether part {@code part} (0 q, 1 k, 2 v) of the qkv projection adds its third of
   * {@code qkv.bias}.
   */
  protected boolean projectionBias(int part) {
    return true;
  }

  /**
   * q ({@code query}) or k per head, {@code [B, N, windows, heads, D]}, as attention takes
   * them; V1 takes them as projected. Returns its argument or a new tensor.
   */
  protected Tensor queryKey(Tensor perHead, boolean query) {
    return perHead;
  }

  /** The scale of the attention logits; V1: {@code 1 / sqrt(head_dim)}. */
  protected DoubleOptional attentionScale() {
    return defaultScale;
  }

  @Override
  public Tensor forward(Tensor input) {
    return TensorScope.run(() -> attend(input));
  }

  private Tensor attend(Tensor input) {
    final long b = input.size(0);
    final long h = input.size(1);
    final long w = input.size(2);
    final long c = input.size(3);
    final int wh = windowSize[0];
    final int ww = windowSize[1];
    // pad feature maps to multiples of the window size
    final long padR = (ww - w % ww) % ww;
    final long padB = (wh - h % wh) % wh;
    final boolean padded = padR > 0 || padB > 0;
    final long padH = h + padB;
    final long padW = w + padR;
    // if the window covers the whole map, there is nothing to shift
    final long shiftH = wh >= padH ? 0 : shiftSize[0];
    final long shiftW = ww >= padW ? 0 : shiftSize[1];
    final boolean shifted = shiftH + shiftW > 0;
    final long nh = padH / wh;
    final long nw = padW / ww;
    final long windows = nh * nw;
    final long n = (long) wh * ww;

    // the windows' tokens, [B, N, windows, C], are freed once attention has read them
    Tensor attended = TensorScope.run(() -> {
      Tensor x = padded ? torch.constant_pad_nd(input, 0, 0, 0, padR, 0, padB) : input;
      if (shifted) {
        x = torch.roll(x, new long[] {-shiftH, -shiftW}, 1, 2);
      }
      // partition: [B, nh, Wh, nw, Ww, C] -> [B, Wh, Ww, nh, nw, C] = [B, N, windows, C]
      Tensor tokens = x.reshape(b, nh, wh, nw, ww, c).permute(0, 2, 4, 1, 3, 5)
          .reshape(b, n, windows, c);
      Tensor q = project(tokens, 0, windows);
      Tensor k = project(tokens, 1, windows);
      Tensor v = project(tokens, 2, windows);
      Tensor mask = attentionMask(padH, padW, shiftH, shiftW, windows, input);
      // [B, windows * heads, N, D] -> [B, N, windows, C]
      return torch.scaled_dot_product_attention(q, k, v, new TensorOptional(mask), 0.0, false,
          attentionScale(), false).transpose(1, 2).reshape(b, n, windows, c);
    });

    // reverse the partition: [B, Wh, Ww, nh, nw, C] -> [B, nh, Wh, nw, Ww, C] -> [B, H', W', C]
    Tensor out = TensorScope.run(() -> proj.forward(attended).view(b, wh, ww, nh, nw, c)
        .permute(0, 3, 1, 4, 2, 5).reshape(b, padH, padW, c));
    if (shifted) {
      out = torch.roll(out, new long[] {shiftH, shiftW}, 1, 2);
    }
    if (padded) {
      out = out.narrow(1, 0, h).narrow(2, 0, w).contiguous();
    }
    return out;
  }

  /**
   * Part {@code part} (0 q, 1 k, 2 v) of the qkv projection of {@code tokens [B, N, windows, C]},
   * as {@code [B, windows * heads, N, D]}: a view, since windows and heads are adjacent in the
   * projection's output.
   */
  private Tensor project(Tensor tokens, int part, long windows) {
    return TensorScope.run(() -> {
      long b = tokens.size(0);
      long n = tokens.size(1);
      long headDim = dim / numHeads;
      Tensor weight = qkv.weight().narrow(0, (long) part * dim, dim);
      Tensor projected = projectionBias(part) && qkv.options().bias().get()
          ? torch.linear(tokens, weight,
              new TensorOptional(qkv.bias().narrow(0, (long) part * dim, dim)))
          : torch.linear(tokens, weight, noBias);
      if (part < 2) {
        projected = queryKey(projected.view(b, n, windows, numHeads, headDim), part == 0);
      }
      return projected.reshape(b, n, windows * numHeads, headDim).transpose(1, 2);
    });
  }

  /**
   * Relative position bias plus, for shifted windows, torchvision's region mask: {@code -100}
   * between tokens that come from different regions of the shifted map. {@code [1, windows *
   * heads, N, N]}, on the device and in the dtype of the bias.
   */
  private Tensor attentionMask(long padH, long padW, long shiftH, long shiftW, long windows,
      Tensor like) {
    long n = (long) windowSize[0] * windowSize[1];
    Tensor perWindow = relativePositionBias().unsqueeze(0); // [1, heads, N, N]
    Tensor combined; // [windows, heads, N, N]
    if (shiftH + shiftW > 0) {
      // intern(): JavaCPP returns a new instance of the enum constant from every native call
      ScalarType dtype = perWindow.scalar_type().intern();
      ShiftMaskCache.Key key = new ShiftMaskCache.Key(padH, padW, windowSize[0], windowSize[1],
          shiftH, shiftW, like.device().str().getString(), dtype);
      Tensor regions = shiftMasks.get(key, () ->
          shiftMask(padH, padW, shiftH, shiftW, windowSize).view(windows, 1, n, n)
              .to(like.device(), dtype));
      combined = perWindow.add(regions);
    } else {
      combined = perWindow.expand(windows, numHeads, n, n).contiguous();
    }
    return combined.reshape(1, windows * numHeads, n, n);
  }

  /**
   * torchvision's attention mask for a shifted {@code padH x padW} map, window by window:
   * {@code [windows, N, N]} float32, 0 between tokens of one region, {@link #MASKED} between
   * tokens of different regions. Regions are numbered as torchvision counts its nine
   * (h slice, w slice) pairs, with Python's slice semantics ({@link #regions}), and windows and
   * tokens ordered as {@link #forward} partitions the map (row-major both).
   */
  static Tensor shiftMask(long padH, long padW, long shiftH, long shiftW, int[] windowSize) {
    return TensorScope.run(() -> {
      int wh = windowSize[0];
      int ww = windowSize[1];
      long windows = (padH / wh) * (padW / ww);
      Tensor rowRegion = torch.tensor(regions((int) padH, wh, (int) shiftH)).view(padH, 1);
      Tensor colRegion = torch.tensor(regions((int) padW, ww, (int) shiftW)).view(1, padW);
      Tensor region = rowRegion.mul(new Scalar(3)).add(colRegion); // [padH, padW]
      Tensor perWindow = region.view(padH / wh, wh, padW / ww, ww).permute(0, 2, 1, 3)
          .reshape(windows, (long) wh * ww); // [windows, N]
      Tensor differs = perWindow.unsqueeze(1).ne(perWindow.unsqueeze(2)); // [windows, N, N]
      Tensor mask = torch.zeros(windows, (long) wh * ww, (long) wh * ww);
      mask.masked_fill_(differs, new Scalar(MASKED));
      return mask;
    });
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

  /** Number of shift masks cached now. */
  int cachedMasks() {
    return shiftMasks.size();
  }

  /** Frees the cached shift masks; the next forward pass builds what it needs again. */
  void releaseCachedMasks() {
    shiftMasks.clear();
  }

  /** Frees the cached shift masks with the module. */
  @Override
  public void close() {
    releaseCachedMasks();
    super.close();
  }

}
