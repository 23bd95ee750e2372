package io.inferencegw.plugin.api.blocks;

import java.util.Objects;
import org.bytedeco.pytorch.Tensor;

/**
 * A layer without parameters, buffers or train/eval behaviour (ReLU, pooling, flatten), run as
 * a plain LibTorch function instead of a registered module. In a {@link Sequential} it still
 * takes an index, as its module counterpart does in PyTorch's {@code nn.Sequential}, so that the
 * indices of the layers after it match the reference state_dict keys.
 *
 * @param name what PyTorch would print for the module, e.g. {@code ReLU(inplace=True)}
 * @param function the computation
 */
public record Functional(String name, Layer function) implements Layer {

  public Functional {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(function, "function");
  }

  @Override
  public Tensor forward(Tensor x) {
    return function.forward(x);
  }

  @Override
  public String toString() {
    return name;
  }
}
