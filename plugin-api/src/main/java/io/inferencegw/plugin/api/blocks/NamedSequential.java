package io.inferencegw.plugin.api.blocks;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * PyTorch's {@code nn.Sequential(OrderedDict([...]))}, and subclasses of {@code nn.Sequential}
 * that name their children with {@code add_module} (DenseNet's {@code features} and
 * {@code _Transition}): children run in the order added and are registered under the given
 * names, so the state_dict keys are {@code features.conv0.weight},
 * {@code features.transition1.norm.running_mean}. Parameterless layers ({@link Functional}) run
 * in their place without being registered. Intermediate activations are freed as in
 * {@link Sequential}.
 */
public class NamedSequential extends Module implements Layer {

  private final List<Layer> layers = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private final Set<String> taken = new LinkedHashSet<>();

  public NamedSequential() {
    super();
  }

  /** Registers {@code module} as {@code name}; the forward pass calls {@code forward}. */
  public <M extends Module> M add(String name, M module, Layer forward) {
    claim(name);
    M registered = register_module(name, module);
    layers.add(forward);
    names.add(name);
    return registered;
  }

  /** A Java block (a {@link Sequential}, a dense block, ...) as {@code name}. */
  public <M extends Module & Layer> NamedSequential add(String name, M block) {
    add(name, block, block);
    return this;
  }

  public NamedSequential add(String name, Conv2dImpl conv) {
    add(name, conv, conv::forward);
    return this;
  }

  public NamedSequential add(String name, BatchNorm2dImpl norm) {
    add(name, norm, norm::forward);
    return this;
  }

  public NamedSequential add(String name, LinearImpl linear) {
    add(name, linear, linear::forward);
    return this;
  }

  /** A parameterless layer, run in its place; the name only shows in {@link #toString}. */
  public NamedSequential add(String name, Functional layer) {
    claim(name);
    layers.add(layer);
    names.add(name);
    return this;
  }

  /** Child names in order, parameterless ones included. */
  public List<String> names() {
    return List.copyOf(names);
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, layers);
  }

  private void claim(String name) {
    if (name == null || name.isEmpty() || name.contains(".") || !taken.add(name)) {
      throw new IllegalArgumentException("bad or duplicate child name: " + name);
    }
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("NamedSequential(");
    for (int i = 0; i < names.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(names.get(i)).append(": ").append(layers.get(i));
    }
    return s.append(')').toString();
  }
}
