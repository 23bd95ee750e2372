package io.inferencegw.plugin.api.blocks;

import org.bytedeco.pytorch.global.torch;

/**
 * The activations torchvision's blocks take as {@code activation_layer}, all in place as in
 * torchvision (which passes {@code inplace=True} where the module accepts it).
 */
public enum Activation {
  RELU(Layers.RELU),
  RELU6(new Functional("ReLU6(inplace=True)", x -> {
    torch.relu6_(x);
    return x;
  })),
  SILU(new Functional("SiLU(inplace=True)", x -> {
    torch.silu_(x);
    return x;
  })),
  HARDSWISH(new Functional("Hardswish(inplace=True)", x -> {
    torch.hardswish_(x);
    return x;
  })),
  HARDSIGMOID(new Functional("Hardsigmoid(inplace=True)", x -> {
    torch.hardsigmoid_(x);
    return x;
  })),
  SIGMOID(new Functional("Sigmoid()", x -> torch.sigmoid(x))),
  /** {@code nn.GELU()}: the exact (erf) form, not the tanh approximation. */
  GELU(new Functional("GELU()", x -> torch.gelu(x)));

  private final Functional layer;

  Activation(Functional layer) {
    this.layer = layer;
  }

  public Functional layer() {
    return layer;
  }
}
