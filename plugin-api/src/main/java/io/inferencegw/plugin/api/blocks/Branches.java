package io.inferencegw.plugin.api.blocks;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Parallel branches on one input, their outputs concatenated along the channels
 * ({@code torch.cat([b(x) for b in branches], 1)}): the filter concatenation of GoogLeNet's
 * Inception module and of the blocks of Inception v3, v4 and Inception-ResNet v2. A block
 * states its branches in the order of the reference's {@code __init__}; each module is
 * registered as it is added, so the state_dict keys come in that order.
 *
 * <p>The references lay a branch's modules out in two ways, and both are kept key for key:
 *
 * <ul>
 *   <li>nested: the branch is one registered module, a unit or an {@code nn.Sequential}
 *       ({@code branch1.0.conv.weight}, timm and GoogLeNet): {@link #branch(String, Module)};</li>
 *   <li>flat: each unit is registered on the block under its own name
 *       ({@code branch5x5_1.conv.weight}, {@code branch5x5_2.conv.weight}, Inception v3):
 *       {@link #chain} and {@link Branch#then(String, Module)}.</li>
 * </ul>
 *
 * <p>Parameterless layers (pooling) run in their place without being registered. A branch may
 * end in a {@link Branch#fork}: two heads on its output, concatenated in its place (the
 * expanded filter banks of Inception v3's {@code InceptionE} and v4's {@code InceptionC}).
 *
 * <p>Memory: the branches hold every registered module's Java object (as a step), so the
 * garbage collector cannot free a module while the block lives. Forward: intermediate
 * activations are closed as soon as the next step has consumed them ({@link Layers#chain}), a
 * fork's input once both heads have run, the branch outputs once concatenated
 * ({@link Concat#channels}); the block's input is never closed. So no step may work in place on
 * the block's input: the other branches read it too.
 */
public class Branches extends Module implements Layer {

  private final List<Branch> branches = new ArrayList<>();
  private int outputs;

  public Branches() {
    super();
  }

  /** A new branch: {@code block} (a unit, or a nested {@link Sequential}) registered as one. */
  public <M extends Module & Layer> Branch branch(String name, M block) {
    return open().then(name, block);
  }

  /** A new branch that starts with a parameterless layer, e.g. a pooling. */
  public Branch branch(Functional layer) {
    return open().then(layer);
  }

  /**
   * A new branch of {@code units} in order, each registered on this block as
   * {@code prefix + index}, the indices counting up from {@code first}
   * ({@code chain("branch5x5_", 1, a, b)} registers {@code branch5x5_1} and {@code branch5x5_2}).
   */
  @SafeVarargs
  public final <M extends Module & Layer> Branch chain(String prefix, int first, M... units) {
    if (units.length == 0) {
      throw new IllegalArgumentException("a branch needs at least one unit");
    }
    Branch b = open();
    for (int i = 0; i < units.length; i++) {
      b.then(prefix + (first + i), units[i]);
    }
    return b;
  }

  /** Number of tensors concatenated: one per branch, two per fork. */
  public int outputs() {
    return outputs;
  }

  @Override
  public Tensor forward(Tensor x) {
    return concatenate(x);
  }

  /** The branches' outputs on {@code x}, concatenated along the channels: a new tensor. */
  public final Tensor concatenate(Tensor x) {
    Tensor[] parts = new Tensor[outputs];
    int next = 0;
    for (Branch b : branches) {
      next = b.run(x, parts, next);
    }
    return Concat.channels(parts);
  }

  /** Starts a branch; the one before can take no more steps, so keys follow branch order. */
  private Branch open() {
    if (!branches.isEmpty()) {
      branches.get(branches.size() - 1).open = false;
    }
    Branch b = new Branch(true);
    branches.add(b);
    outputs++;
    return b;
  }

  /**
   * One branch: steps run in order on the block's input; its output is concatenated, or, after a
   * {@link #fork}, its heads' outputs are.
   */
  public final class Branch {

    private final List<Layer> steps = new ArrayList<>();
    private final List<Branch> heads = new ArrayList<>(2);
    private boolean open;

    private Branch(boolean open) {
      this.open = open;
    }

    /** Appends {@code unit}, registered on the block as {@code name} (the flat layout). */
    public <M extends Module & Layer> Branch then(String name, M unit) {
      checkOpen();
      steps.add(register_module(name, unit));
      return this;
    }

    /** Appends a parameterless layer. */
    public Branch then(Functional layer) {
      checkOpen();
      steps.add(layer);
      return this;
    }

    /**
     * Ends the branch with two heads on its output, registered on the block as {@code nameA}
     * and {@code nameB}; their outputs take the branch's place in the concatenation, in that
     * order.
     */
    public <A extends Module & Layer, B extends Module & Layer> void fork(
        String nameA, A a, String nameB, B b) {
      checkOpen();
      heads.add(new Branch(false).step(register_module(nameA, a)));
      heads.add(new Branch(false).step(register_module(nameB, b)));
      outputs++;
      open = false;
    }

    private Branch step(Layer layer) {
      steps.add(layer);
      return this;
    }

    private void checkOpen() {
      if (!open) {
        throw new IllegalStateException(
            "only the last branch takes steps, before it forks: keys follow branch order");
      }
    }

    /** Runs the branch on {@code input}, puts its outputs at {@code parts[next...]}. */
    private int run(Tensor input, Tensor[] parts, int next) {
      Tensor y = Layers.chain(input, steps);
      if (y.address() == input.address()) {
        // concatenation closes the parts: the block's input must not be one of them
        throw new IllegalStateException("a branch returned its input: " + steps);
      }
      if (heads.isEmpty()) {
        parts[next] = y;
        return next + 1;
      }
      int after = next;
      for (Branch head : heads) {
        after = head.run(y, parts, after);
      }
      y.close();
      return after;
    }
  }
}
