package io.inferencegw.plugins.dpn;

import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code DualPathBlock} (Chen et al., 2017): a ResNeXt-style bottleneck
 * ({@code c1x1_a}, grouped {@code c3x3_b}, {@code c1x1_c}, each batch norm, ReLU, convolution)
 * whose output feeds two paths. Its first {@code num_1x1_c} channels are <em>added</em> to the
 * residual path; its other {@code inc} channels are <em>concatenated</em> to the dense path.
 * The block's input is {@code cat(residual, dense)}. The first block of a stage projects the
 * input ({@code c1x1_w_s1}, or {@code c1x1_w_s2} with stride 2) into a new residual path and a
 * dense path of {@code 2 * inc} channels. In the "b" variant, {@code c1x1_c} is only batch norm
 * and ReLU ({@code CatBnAct}), followed by two separate 1x1 convolutions {@code c1x1_c1} (to the
 * residual path) and {@code c1x1_c2} (to the dense path).
 *
 * <h2>One tensor per stage</h2>
 * timm keeps the two paths as a pair and concatenates them anew in every block (quadratic
 * copying over a stage). Here a stage's state is one NCHW tensor laid out as
 * {@code cat(residual, dense)} with room for every block's dense channels: the first block
 * allocates it ({@code stageChannels} wide); every later block reads the channels filled so far
 * (a view), adds its residual output in place to the first {@code num_1x1_c} channels and writes
 * its {@code inc} dense channels after the filled ones, then returns the same tensor. After the
 * stage's last block the tensor is exactly timm's {@code cat(resid, dense)}.
 */
final class DualPathBlock extends Module implements Layer {

  /** timm's {@code block_type}. */
  enum Type {
    /** First block of the first stage: 1x1 projection, stride 1. */
    PROJ(1),
    /** First block of the later stages: 1x1 projection and 3x3 convolution with stride 2. */
    DOWN(2),
    /** Every other block: the paths pass straight through. */
    NORMAL(1);

    final int stride;

    Type(int stride) {
      this.stride = stride;
    }
  }

  private final int inChs;
  private final int num1x1c;
  private final int inc;
  private final int stageChannels;
  private final BnActConv2d projection;
  private final List<Layer> bottleneck;
  private final Conv2dImpl c1;
  private final Conv2dImpl c2;

  /**
   * timm's arguments, and the width of the stage's tensor.
   *
   * @param inChs channels of the block's input, {@code cat(residual, dense)}
   * @param num1x1c channels of the residual path
   * @param inc channels the block adds to the dense path
   * @param stageChannels channels of the stage's tensor after its last block (used by the first
   *     block of a stage, which allocates it)
   */
  DualPathBlock(int inChs, int num1x1a, int num3x3b, int num1x1c, int inc, int groups,
      Type type, boolean b, int stageChannels) {
    this.inChs = inChs;
    this.num1x1c = num1x1c;
    this.inc = inc;
    this.stageChannels = stageChannels;
    if (type == Type.NORMAL) {
      projection = null;
    } else {
      projection = register_module(type == Type.DOWN ? "c1x1_w_s2" : "c1x1_w_s1",
          new BnActConv2d(inChs, num1x1c + 2 * inc, 1, type.stride, 1));
      if (stageChannels < num1x1c + 3 * inc) {
        throw new IllegalArgumentException("stage tensor too narrow: " + stageChannels);
      }
    }
    BnActConv2d a = register_module("c1x1_a", new BnActConv2d(inChs, num1x1a, 1, 1, 1));
    BnActConv2d bb = register_module("c3x3_b",
        new BnActConv2d(num1x1a, num3x3b, 3, type.stride, groups));
    List<Layer> layers = new ArrayList<>(List.of(a, bb));
    if (b) {
      BatchNorm2dImpl bn = register_module("c1x1_c", new CatBnAct(num3x3b)).bn();
      layers.add(bn::forward);
      layers.add(Layers.RELU);
      c1 = register_module("c1x1_c1", BnActConv2d.conv2d(num3x3b, num1x1c, 1, 1, 1));
      c2 = register_module("c1x1_c2", BnActConv2d.conv2d(num3x3b, inc, 1, 1, 1));
    } else {
      layers.add(register_module("c1x1_c",
          new BnActConv2d(num3x3b, num1x1c + inc, 1, 1, 1)));
      c1 = null;
      c2 = null;
    }
    bottleneck = List.copyOf(layers);
  }

  /** Channels of the block's input. */
  int inChannels() {
    return inChs;
  }

  /** Channels filled in the stage's tensor after this block. */
  int outChannels() {
    return projection != null ? num1x1c + 3 * inc : inChs + inc;
  }

  /**
   * A first block takes {@code cat(residual, dense)} of the previous stage (or the stem's output)
   * and returns the new stage tensor; a later block takes the stage tensor, updates it in place
   * and returns it.
   */
  @Override
  public Tensor forward(Tensor x) {
    if (projection != null) {
      Tensor shortcut = projection.forward(x);
      Tensor out = shortcut.new_empty(
          shortcut.size(0), stageChannels, shortcut.size(2), shortcut.size(3));
      write(out, 0, shortcut);
      shortcut.close();
      grow(out, x, num1x1c + 2 * inc);
      return out;
    }
    Tensor in = x.narrow(1, 0, inChs);
    grow(x, in, inChs);
    in.close();
    return x;
  }

  /**
   * Runs the bottleneck on {@code input}, adds its residual output to the first channels of
   * {@code stage} and writes its dense output at channel {@code denseEnd}.
   */
  private void grow(Tensor stage, Tensor input, long denseEnd) {
    Tensor c = Layers.chain(input, bottleneck);
    Tensor residual;
    Tensor dense;
    if (c1 != null) {
      residual = c1.forward(c);
      dense = c2.forward(c);
    } else {
      residual = c.narrow(1, 0, num1x1c);
      dense = c.narrow(1, num1x1c, inc);
    }
    Tensor path = stage.narrow(1, 0, num1x1c);
    path.add_(residual);
    path.close();
    write(stage, denseEnd, dense);
    residual.close();
    dense.close();
    c.close();
  }

  private static void write(Tensor stage, long channel, Tensor source) {
    Tensor slot = stage.narrow(1, channel, source.size(1));
    slot.copy_(source);
    slot.close();
  }
}
