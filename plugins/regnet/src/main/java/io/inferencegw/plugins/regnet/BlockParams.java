package io.inferencegw.plugins.regnet;

import static io.inferencegw.plugin.api.blocks.ChannelRounding.makeDivisible;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-stage settings of a RegNet generated from its design-space parameters (Radosavovic et
 * al., 2020, section 3.3), as torchvision's {@code BlockParams.from_init_params}.
 *
 * <p>Block {@code j} of {@code depth} gets the continuous width {@code u_j = w_0 + w_a * j};
 * it is quantised in log space to {@code w_0 * w_m^round(log(u_j / w_0) / log(w_m))}, rounded
 * to a multiple of 8. Consecutive blocks of equal width form a stage (every stage starts with
 * stride 2). Finally the bottleneck width {@code width * b} is made divisible by the group width
 * (which is capped by it) and the stage width follows from it.
 *
 * <p>torchvision computes the quantisation with float32 tensors; it is done here in float32 as
 * well, so that widths at a rounding boundary come out the same.
 *
 * @param depths blocks per stage
 * @param widths output channels per stage
 * @param groupWidths channels per group of the 3x3 convolution, per stage
 * @param bottleneckMultipliers bottleneck ratio b per stage
 * @param seRatio squeeze-excitation ratio (relative to a block's input width), 0 for none
 */
public record BlockParams(List<Integer> depths, List<Integer> widths, List<Integer> groupWidths,
    List<Double> bottleneckMultipliers, double seRatio) {

  private static final int QUANT = 8;
  /** Stride of each stage's first block. */
  public static final int STRIDE = 2;

  public BlockParams {
    depths = List.copyOf(depths);
    widths = List.copyOf(widths);
    groupWidths = List.copyOf(groupWidths);
    bottleneckMultipliers = List.copyOf(bottleneckMultipliers);
  }

  /**
   * The design-space parameters of one RegNet: {@code depth} blocks, initial width {@code w0},
   * slope {@code wa}, width multiplier {@code wm}, group width, bottleneck ratio and SE ratio
   * (0 for RegNetX).
   */
  public record DesignSpace(int depth, int w0, double wa, double wm, int groupWidth,
      double bottleneckMultiplier, double seRatio) {

    public static DesignSpace x(int depth, int w0, double wa, double wm, int groupWidth) {
      return new DesignSpace(depth, w0, wa, wm, groupWidth, 1.0, 0);
    }

    public static DesignSpace y(int depth, int w0, double wa, double wm, int groupWidth) {
      return new DesignSpace(depth, w0, wa, wm, groupWidth, 1.0, 0.25);
    }

    public BlockParams blockParams() {
      return fromInitParams(this);
    }
  }

  /** {@code BlockParams.from_init_params(depth, w_0, w_a, w_m, group_width, b, se_ratio)}. */
  public static BlockParams fromInitParams(DesignSpace p) {
    if (p.wa() < 0 || p.w0() <= 0 || p.wm() <= 1 || p.w0() % 8 != 0) {
      throw new IllegalArgumentException("Invalid RegNet settings " + p);
    }
    // block widths, quantised in log space (float32, as torchvision's tensors)
    float wa = (float) p.wa();
    float w0 = p.w0();
    float wm = (float) p.wm();
    float logWm = (float) Math.log(p.wm());
    int[] blockWidths = new int[p.depth()];
    for (int j = 0; j < p.depth(); j++) {
      float widthCont = (float) j * wa + w0;
      float capacity = (float) Math.rint((float) Math.log(widthCont / w0) / logWm);
      float width = w0 * (float) Math.pow(wm, capacity);
      blockWidths[j] = (int) ((float) Math.rint(width / QUANT) * QUANT);
    }
    // a stage is a run of blocks of the same width
    List<Integer> stageWidths = new ArrayList<>();
    List<Integer> stageDepths = new ArrayList<>();
    for (int j = 0; j < blockWidths.length; j++) {
      if (j == 0 || blockWidths[j] != blockWidths[j - 1]) {
        stageWidths.add(blockWidths[j]);
        stageDepths.add(1);
      } else {
        stageDepths.set(stageDepths.size() - 1, stageDepths.get(stageDepths.size() - 1) + 1);
      }
    }
    // _adjust_widths_groups_compatibilty
    List<Integer> widths = new ArrayList<>();
    List<Integer> groupWidths = new ArrayList<>();
    List<Double> multipliers = new ArrayList<>();
    double b = p.bottleneckMultiplier();
    for (int w : stageWidths) {
      int bottleneck = (int) (w * b);
      int group = Math.min(p.groupWidth(), bottleneck);
      int adjusted = makeDivisible(bottleneck, group);
      widths.add((int) (adjusted / b));
      groupWidths.add(group);
      multipliers.add(b);
    }
    return new BlockParams(stageDepths, widths, groupWidths, multipliers, p.seRatio());
  }

  public int stages() {
    return depths.size();
  }
}
