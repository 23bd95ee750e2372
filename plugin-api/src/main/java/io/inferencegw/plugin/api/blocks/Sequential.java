package io.inferencegw.plugin.api.blocks;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.DropoutImpl;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * PyTorch's {@code nn.Sequential} for networks written in Java: children are numbered
 * {@code 0, 1, 2, ...} in the order they are added and run in that order, so that a network
 * built like its torchvision counterpart has the same state_dict keys ({@code features.0.weight},
 * {@code classifier.1.bias}).
 *
 * <p>Every child takes an index, also one without parameters ({@link Functional} layers such as
 * ReLU and pooling, or Dropout): those are exactly the gaps in torchvision's key numbering.
 * Modules are registered under their index; functional layers are not registered (they have
 * nothing to register) but still consume theirs.
 *
 * <p>LibTorch's own {@code SequentialImpl} cannot hold modules written in Java (its
 * {@code AnyModule} needs a C++ {@code forward}), hence this class. Its forward pass frees each
 * intermediate activation as soon as the next child has consumed it (see {@link Layers#chain}),
 * so a batch's peak memory is about two activations, not the sum of all of them.
 */
public class Sequential extends Module implements Layer {

  private final List<Layer> layers = new ArrayList<>();
  private final List<String> descriptions = new ArrayList<>();

  public Sequential() {
    super();
  }

  /** {@code nn.Sequential(*blocks)}: Java blocks (units of a branch, ...) indexed from 0. */
  @SafeVarargs
  public static <M extends Module & Layer> Sequential of(M... blocks) {
    Sequential s = new Sequential();
    for (M block : blocks) {
      s.add(block);
    }
    return s;
  }

  /** Registers {@code module} under the next index; the forward pass calls {@code forward}. */
  public <M extends Module> M add(M module, Layer forward, String description) {
    String index = Integer.toString(layers.size());
    M registered = register_module(index, module);
    layers.add(forward);
    descriptions.add(description);
    return registered;
  }

  /** A Java block (a {@link Sequential}, a residual block, ...) under the next index. */
  public <M extends Module & Layer> Sequential add(M block) {
    add(block, block, block.getClass().getSimpleName());
    return this;
  }

  public Sequential add(Conv2dImpl conv) {
    add(conv, conv::forward, "Conv2d");
    return this;
  }

  public Sequential add(BatchNorm2dImpl norm) {
    add(norm, norm::forward, "BatchNorm2d");
    return this;
  }

  public Sequential add(LinearImpl linear) {
    add(linear, linear::forward, "Linear");
    return this;
  }

  public Sequential add(LayerNormImpl norm) {
    add(norm, norm::forward, "LayerNorm");
    return this;
  }

  /** Dropout is a module because it depends on train/eval mode (the identity in eval). */
  public Sequential add(DropoutImpl dropout) {
    add(dropout, dropout::forward, "Dropout");
    return this;
  }

  /** A parameterless layer: takes the next index without registering anything. */
  public Sequential add(Functional layer) {
    layers.add(layer);
    descriptions.add(layer.name());
    return this;
  }

  /** Number of children, functional ones included. */
  public int size() {
    return layers.size();
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, layers);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Sequential(");
    for (int i = 0; i < descriptions.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(i).append(": ").append(descriptions.get(i));
    }
    return s.append(')').toString();
  }
}
