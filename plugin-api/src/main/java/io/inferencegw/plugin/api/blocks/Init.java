package io.inferencegw.plugin.api.blocks;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The weight initialisations torchvision's constructors apply ({@code torch.nn.init}), so that a
 * freshly built network starts like its reference when it is trained rather than loaded. Each
 * method fills the tensor in place without recording gradients.
 */
public final class Init {

  private Init() {}

  /** {@code kaiming_normal_(w, mode="fan_out", nonlinearity="relu")}: N(0, 2 / fan_out). */
  public static void kaimingNormalFanOut(Tensor weight) {
    normal(weight, 0, Math.sqrt(2.0 / fanOut(weight)));
  }

  /** {@code kaiming_uniform_(w)} with its defaults (a=0, fan_in, leaky_relu): U(+-sqrt(6/fan_in)). */
  public static void kaimingUniform(Tensor weight) {
    double bound = Math.sqrt(6.0 / fanIn(weight));
    try (PointerScope scope = new PointerScope()) {
      torch.uniform_(weight, -bound, bound);
    }
  }

  /** {@code normal_(t, mean, std)}. */
  public static void normal(Tensor t, double mean, double std) {
    try (PointerScope scope = new PointerScope()) {
      torch.normal_(t, mean, std);
    }
  }

  /** {@code constant_(t, value)}. */
  public static void constant(Tensor t, double value) {
    try (PointerScope scope = new PointerScope()) {
      torch.constant_(t, new Scalar(value));
    }
  }

  /** Input feature maps times the receptive field, as {@code _calculate_fan_in_and_fan_out}. */
  public static long fanIn(Tensor weight) {
    return weight.size(1) * receptiveField(weight);
  }

  public static long fanOut(Tensor weight) {
    return weight.size(0) * receptiveField(weight);
  }

  private static long receptiveField(Tensor weight) {
    long field = 1;
    for (int d = 2; d < weight.dim(); d++) {
      field *= weight.size(d);
    }
    return field;
  }
}
