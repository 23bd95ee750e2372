package io.inferencegw.plugin.api.blocks;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LinearImpl;

/**
 * torchvision's {@code ops.MLP(in_channels, hidden_channels, activation_layer, bias, dropout)}
 * without a norm layer: per hidden width but the last a Linear, the activation and a Dropout,
 * then a Linear to the last width and a Dropout, numbered like {@code nn.Sequential}. With two
 * widths (a transformer's MLP) the children are {@code 0} Linear, {@code 1} activation,
 * {@code 2} Dropout, {@code 3} Linear, {@code 4} Dropout, so the keys are {@code 0.weight},
 * {@code 0.bias}, {@code 3.weight}, {@code 3.bias}.
 *
 * <p>Fresh linears have LibTorch's (and PyTorch's) default init; transformer blocks override it
 * with {@link #initXavierUniform}.
 */
public class MLP extends Sequential {

  private final List<LinearImpl> linears = new ArrayList<>();

  /**
   * @param inChannels input width
   * @param hiddenChannels widths of the linears, the last one being the output width
   * @param activation after every linear but the last ({@link Activation#GELU} for
   *     {@code nn.GELU} as transformers use it, {@link Activation#RELU} for torchvision's default)
   * @param bias whether the linears have a bias
   * @param dropout probability of every Dropout (the identity in eval mode)
   */
  public MLP(int inChannels, int[] hiddenChannels, Activation activation, boolean bias,
      double dropout) {
    if (hiddenChannels.length == 0) {
      throw new IllegalArgumentException("an MLP needs at least one width");
    }
    int in = inChannels;
    for (int i = 0; i < hiddenChannels.length; i++) {
      LinearImpl linear = Layers.linear(in, hiddenChannels[i], bias);
      linears.add(linear);
      add(linear);
      if (i < hiddenChannels.length - 1) {
        add(activation.layer());
      }
      add(Layers.dropout(dropout));
      in = hiddenChannels[i];
    }
  }

  /** {@code MLP(in, [hidden, out], activation_layer=nn.GELU, inplace=None, dropout=dropout)}. */
  public static MLP transformer(int inChannels, int hidden, int out, double dropout) {
    return new MLP(inChannels, new int[] {hidden, out}, Activation.GELU, true, dropout);
  }

  /** The linears in order. */
  public List<LinearImpl> linears() {
    return List.copyOf(linears);
  }

  /**
   * {@code xavier_uniform_} weights and {@code N(0, biasStd^2)} biases, the init of ViT's
   * {@code MLPBlock} and of Swin's block MLP ({@code biasStd = 1e-6}).
   */
  public MLP initXavierUniform(double biasStd) {
    try (PointerScope scope = new PointerScope()) {
      for (LinearImpl linear : linears) {
        Init.xavierUniform(linear.weight());
        if (linear.options().bias().get()) {
          Init.normal(linear.bias(), 0, biasStd);
        }
      }
    }
    return this;
  }
}
