package io.inferencegw.plugin.api.blocks;

import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.LongArrayRef;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's {@code ops.StochasticDepth(p, mode)}: in training, zeroes the whole residual
 * branch of randomly chosen rows ({@code "row"}) or of the whole batch ({@code "batch"}) with
 * probability {@code p} and scales the survivors by {@code 1 / (1 - p)}; in eval mode (and for
 * {@code p = 0}) it is the identity and returns its argument itself, without a copy.
 *
 * <p>It has no parameters or buffers, so it adds nothing to the state_dict. It is a module (not
 * a {@link Functional}) only because it depends on train/eval mode; blocks keep it as a field or
 * register it under torchvision's attribute name ({@code stochastic_depth}), which changes no key.
 */
public final class StochasticDepth extends Module implements Layer {

  /** Which elements share one random draw. */
  public enum Mode {
    /** One draw per sample (row of the batch). */
    ROW,
    /** One draw for the whole batch. */
    BATCH
  }

  private final double p;
  private final Mode mode;

  public StochasticDepth(double p, Mode mode) {
    super();
    if (p < 0 || p > 1) {
      throw new IllegalArgumentException("drop probability has to be between 0 and 1, got " + p);
    }
    this.p = p;
    this.mode = mode;
  }

  public double p() {
    return p;
  }

  public Mode mode() {
    return mode;
  }

  @Override
  public Tensor forward(Tensor input) {
    if (!is_training() || p == 0) {
      return input;
    }
    double survival = 1 - p;
    long[] size = new long[(int) input.dim()];
    Arrays.fill(size, 1);
    if (mode == Mode.ROW) {
      size[0] = input.size(0);
    }
    // same dtype and device as the input (new_empty), as torchvision's torch.empty(..., dtype,
    // device); the caller's PointerScope frees the small handles
    Tensor draw = input.new_empty(new LongArrayRef(new LongPointer(size), size.length));
    draw.bernoulli_(survival, new GeneratorOptional());
    if (survival > 0) {
      draw.div_(new Scalar(survival));
    }
    Tensor out = input.mul(draw);
    draw.close();
    return out;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "StochasticDepth(p=%s, mode=%s)", p,
        mode.name().toLowerCase(Locale.ROOT));
  }
}
