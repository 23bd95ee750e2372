package io.inferencegw.plugin.api.blocks;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The weight initialisations torchvision's constructors apply ({@code torch.nn.init}), so that a
 * freshly built network starts like its reference when it is trained rather than loaded. Each
 * method fills the tensor in place without recording gradients.
 *
 * <p>Within {@link #skipped}, on the calling thread, every fill here does nothing: a network
 * built to have a checkpoint loaded into it right away ({@code ModelFamily.buildForLoading})
 * keeps LibTorch's own initialisation of its layers and skips this second one, which costs
 * seconds for the largest networks (the truncated normal's inverse error function over hundreds
 * of millions of weights) and is overwritten anyway.
 */
public final class Init {

  /** Whether the fills are skipped on this thread (see {@link #skipped}). */
  private static final ThreadLocal<Boolean> SKIPPING = ThreadLocal.withInitial(() -> false);

  private Init() {}

  /**
   * Runs {@code build} with every fill of this class skipped on the calling thread, and returns
   * what it built. Tensors that a layer creates uninitialised for a fill here to set (e.g. an
   * attention's input projection) then hold arbitrary values: only for networks whose every
   * parameter is overwritten next, by a checkpoint. Other threads are not affected; the previous
   * state is restored afterwards, also when {@code build} throws.
   */
  public static <T> T skipped(Supplier<T> build) {
    boolean outer = SKIPPING.get();
    SKIPPING.set(true);
    try {
      return build.get();
    } finally {
      SKIPPING.set(outer);
    }
  }

  /** Whether this thread is inside {@link #skipped}. */
  public static boolean isSkipped() {
    return SKIPPING.get();
  }

  /** {@code kaiming_normal_(w, mode="fan_out", nonlinearity="relu")}: N(0, 2 / fan_out). */
  public static void kaimingNormalFanOut(Tensor weight) {
    normal(weight, 0, Math.sqrt(2.0 / fanOut(weight)));
  }

  /** {@code kaiming_uniform_(w)} with its defaults (a=0, fan_in, leaky_relu): U(+-sqrt(6/fan_in)). */
  public static void kaimingUniform(Tensor weight) {
    if (SKIPPING.get()) {
      return;
    }
    double bound = Math.sqrt(6.0 / fanIn(weight));
    try (PointerScope scope = new PointerScope()) {
      torch.uniform_(weight, -bound, bound);
    }
  }

  /** {@code normal_(t, mean, std)}. */
  public static void normal(Tensor t, double mean, double std) {
    if (SKIPPING.get()) {
      return;
    }
    try (PointerScope scope = new PointerScope()) {
      torch.normal_(t, mean, std);
    }
  }

  /** {@code constant_(t, value)}. */
  public static void constant(Tensor t, double value) {
    if (SKIPPING.get()) {
      return;
    }
    try (PointerScope scope = new PointerScope()) {
      torch.constant_(t, new Scalar(value));
    }
  }

  /** {@code zeros_(t)}. */
  public static void zeros(Tensor t) {
    constant(t, 0);
  }

  /** {@code xavier_uniform_(w)} (gain 1): U(+-sqrt(6 / (fan_in + fan_out))). */
  public static void xavierUniform(Tensor weight) {
    if (SKIPPING.get()) {
      return;
    }
    double bound = Math.sqrt(6.0 / (fanIn(weight) + fanOut(weight)));
    try (PointerScope scope = new PointerScope()) {
      torch.uniform_(weight, -bound, bound);
    }
  }

  /** {@code trunc_normal_(t, std=std)}: N(0, std^2) truncated to the absolute bounds [-2, 2]. */
  public static void truncNormal(Tensor t, double std) {
    truncNormal(t, 0, std, -2, 2);
  }

  /**
   * {@code trunc_normal_(t, mean, std, a, b)}, PyTorch's inverse-CDF method: uniform between the
   * CDF values of the bounds, mapped back through the inverse error function, then clamped.
   */
  public static void truncNormal(Tensor t, double mean, double std, double a, double b) {
    if (SKIPPING.get()) {
      return;
    }
    double lower = normalCdf((a - mean) / std);
    double upper = normalCdf((b - mean) / std);
    try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
      torch.uniform_(t, 2 * lower - 1, 2 * upper - 1);
      t.erfinv_();
      t.mul_(new Scalar(std * Math.sqrt(2.0)));
      t.add_(new Scalar(mean));
      t.clamp_(new ScalarOptional(new Scalar(a)), new ScalarOptional(new Scalar(b)));
    }
  }

  /**
   * {@code trunc_normal_(t, mean, std, a, b)} for bounds far out in the tails, as torchvision's
   * GoogLeNet and Inception v3 use them (std 0.01 or 0.1, bounds +-2: 20 to 2000 standard
   * deviations): a normal sample clamped to the bounds. Its distribution differs from the
   * truncated one only by the mass beyond the bounds, below {@code 2 * Phi(-8)} = 1.3e-15 in
   * total variation, and it costs a tenth of {@link #truncNormal(Tensor, double, double, double,
   * double)}'s inverse-CDF method (no {@code erfinv}), which matters when building a network of
   * tens of millions of weights. Bounds closer than 8 standard deviations take that method.
   */
  public static void truncNormalFarBounds(
      Tensor t, double mean, double std, double a, double b) {
    if (SKIPPING.get()) {
      return;
    }
    if ((mean - a) / std < 8 || (b - mean) / std < 8) {
      truncNormal(t, mean, std, a, b);
      return;
    }
    try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
      torch.normal_(t, mean, std);
      t.clamp_(new ScalarOptional(new Scalar(a)), new ScalarOptional(new Scalar(b)));
    }
  }

  /**
   * The {@code init_weights} of torchvision's GoogLeNet (std 0.01) and Inception v3 (std 0.1):
   * every convolution and linear weight, the parameters named {@code weight} with two or more
   * axes, {@code trunc_normal_(mean=0, std=std, a=-2, b=2)} ({@link #truncNormalFarBounds}), in
   * the order of {@code named_parameters}; everything else is left as built.
   */
  public static void truncNormalWeights(Module module, double std) {
    try (PointerScope scope = new PointerScope()) {
      StringTensorDict params = module.named_parameters(true);
      for (long i = 0; i < params.size(); i++) {
        var item = params.get(i);
        Tensor p = item.value();
        if (item.key().getString().endsWith("weight") && p.dim() >= 2) {
          truncNormalFarBounds(p, 0, std, -2, 2);
        }
      }
    }
  }

  /** Standard normal CDF via erf (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
  static double normalCdf(double x) {
    double z = Math.abs(x) / Math.sqrt(2.0);
    double k = 1.0 / (1.0 + 0.3275911 * z);
    double poly = k * (0.254829592 + k * (-0.284496736 + k * (1.421413741
        + k * (-1.453152027 + k * 1.061405429))));
    double erf = 1.0 - poly * Math.exp(-z * z);
    return 0.5 * (1.0 + Math.copySign(erf, x));
  }

  /**
   * The loop over {@code self.modules()} at the end of torchvision's MobileNet, EfficientNet,
   * MNASNet and RegNet constructors: every convolution weight {@code kaiming_normal_(mode=
   * "fan_out")} (N(0, 2 / (out * kh * kw)), groups not counted, as PyTorch's fan), every linear
   * weight as {@code linearWeight} says, every bias 0, and norm weights 1 (LibTorch's default,
   * left as is). Layers are told apart by the rank of their weight: 4 a convolution, 2 a linear
   * layer, 1 a norm; every bias of those networks (convolution, linear or norm) starts at 0.
   */
  public static void convolutionsAndLinears(Module module, Consumer<Tensor> linearWeight) {
    if (SKIPPING.get()) {
      return;
    }
    try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
      StringTensorDict params = module.named_parameters(true);
      for (long i = 0; i < params.size(); i++) {
        var item = params.get(i);
        String name = item.key().getString();
        Tensor p = item.value();
        if (name.endsWith("bias")) {
          zeros(p);
        } else if (p.dim() == 4) {
          kaimingNormalFanOut(p);
        } else if (p.dim() == 2) {
          linearWeight.accept(p);
        }
      }
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
