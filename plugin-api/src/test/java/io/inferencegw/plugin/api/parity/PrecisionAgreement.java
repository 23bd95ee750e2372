package io.inferencegw.plugin.api.parity;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ReducedPrecision;
import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * How often a network run in a reduced precision ranks classes as it does in float32, on the
 * parity harness's weights and input: rows with the same top-1 class, and rows with the same
 * set of top-5 classes. The reduced run goes through {@link ReducedPrecision}, the code the
 * gateway serves bf16 and fp16 with.
 *
 * @param precision {@code bf16} or {@code fp16}
 * @param rows number of input images
 * @param sameTop1 rows whose top-1 class is float32's
 * @param sameTop5 rows whose five best classes are float32's five, in any order
 * @param maxAbsDiff largest |reduced - float32| over all logits
 * @param maxAbsLogit largest |float32 logit|, the scale {@code maxAbsDiff} is to be read against
 * @param minTop2Gap smallest float32 gap between a row's best and second-best logit: a row whose
 *     gap is below {@code maxAbsDiff} can change its top-1 class by rounding alone
 */
public record PrecisionAgreement(String precision, int rows, int sameTop1, int sameTop5,
    double maxAbsDiff, double maxAbsLogit, double minTop2Gap) {

  /**
   * Converts {@code model} (float32, eval mode, weights loaded) to {@code dtype} in place, runs
   * {@code input} through it and compares with float32's {@code logits} for that input.
   */
  static PrecisionAgreement measure(
      ClassifierModule model, Tensor input, float[] logits, int classes, ScalarType dtype) {
    ReducedPrecision.convert(model, dtype);
    float[] reduced;
    try (InferenceMode guard = new InferenceMode()) {
      reduced = ParityHarness.toFloats(ReducedPrecision.forward(model, input, dtype));
    }
    int rows = logits.length / classes;
    int top1 = 0;
    int top5 = 0;
    int k = Math.min(5, classes);
    double maxDiff = 0;
    double maxLogit = 0;
    for (int i = 0; i < logits.length; i++) {
      maxLogit = Math.max(maxLogit, Math.abs(logits[i]));
      double diff = Math.abs((double) logits[i] - reduced[i]);
      maxDiff = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : Math.max(maxDiff, diff);
    }
    double minGap = Double.POSITIVE_INFINITY;
    for (int r = 0; r < rows; r++) {
      int[] want = ParityHarness.top(Arrays.copyOfRange(logits, r * classes, (r + 1) * classes), k);
      int[] have =
          ParityHarness.top(Arrays.copyOfRange(reduced, r * classes, (r + 1) * classes), k);
      float[] row = Arrays.copyOfRange(logits, r * classes, (r + 1) * classes);
      if (k > 1) {
        minGap = Math.min(minGap, row[want[0]] - row[want[1]]);
      }
      if (want[0] == have[0]) {
        top1++;
      }
      Arrays.sort(want);
      Arrays.sort(have);
      if (Arrays.equals(want, have)) {
        top5++;
      }
    }
    return new PrecisionAgreement(dtype == ScalarType.Half ? "fp16" : "bf16", rows, top1, top5,
        maxDiff, maxLogit, minGap);
  }

  /** Agreement and the size of the differences, for the results table. */
  public String summary() {
    return String.format(Locale.ROOT,
        "top-1 %d/%d, top-5 %d/%d; max |diff| %.3f of max |logit| %.2f; min top-2 gap %.3f",
        sameTop1, rows, sameTop5, rows, maxAbsDiff, maxAbsLogit, minTop2Gap);
  }
}
