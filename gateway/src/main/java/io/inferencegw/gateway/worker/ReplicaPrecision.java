package io.inferencegw.gateway.worker;

import io.inferencegw.gateway.config.ConfigException;
import io.inferencegw.gateway.config.Precision;
import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ReducedPrecision;
import io.inferencegw.plugin.api.VariantSpec;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The precision one replica computes in. In fp32 it does nothing. In bf16 or fp16, warm-up
 * converts the replica's weights only after checking, on a batch of probe images, that the
 * top-1 class agrees with fp32 on at least the configured share of them; below that share
 * the load is refused, before any request sees the narrow format's answers.
 *
 * <p>Whether the device runs the precision at all is {@link PrecisionSupport}'s decision, taken
 * before the replica is built; this class runs whatever it is given.
 */
record ReplicaPrecision(String model, String version, Precision precision,
    double minTop1Agreement) {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaPrecision.class);

  /**
   * Probe images compared at warm-up: enough that one flipped close call costs 1/16 of the
   * agreement, few enough that the extra two forward passes stay small next to loading.
   */
  static final int PROBE_IMAGES = 16;

  static ReplicaPrecision fp32(String model, String version) {
    return new ReplicaPrecision(model, version, Precision.FP32, 1);
  }

  /** The tensor type of the weights and activations in this precision. */
  static ScalarType scalarType(Precision precision) {
    return switch (precision) {
      case FP32 -> ScalarType.Float;
      case BF16 -> ScalarType.BFloat16;
      case FP16 -> ScalarType.Half;
    };
  }

  /** The network's float32 logits for a float32 input, computed in this precision. */
  Tensor forward(ClassifierModule network, Tensor input) {
    return precision.reduced()
        ? ReducedPrecision.forward(network, input, scalarType(precision))
        : network.forward(input);
  }

  /**
   * Converts the (float32, eval-mode) network to this precision if the probe's top-1 classes
   * agree with fp32 often enough; throws a {@link ConfigException} naming the measured and the
   * required agreement otherwise. Nothing to do for fp32.
   *
   * @param asInput turns the float32 probe batch on the host into the replica's input (its
   *     layout, its device), as it does every batch
   */
  void adopt(ClassifierModule network, VariantSpec spec, UnaryOperator<Tensor> asInput) {
    if (!precision.reduced()) {
      return;
    }
    ProbeAgreement agreement;
    try (InferenceMode guard = new InferenceMode();
        PointerScope scope = new PointerScope()) {
      Tensor probe = asInput.apply(ProbeImages.batch(spec, PROBE_IMAGES));
      Tensor reference = network.forward(probe);
      ReducedPrecision.convert(network, scalarType(precision));
      agreement = ProbeAgreement.of(reference, forward(network, probe));
    }
    String measured = String.format(Locale.ROOT,
        "top-1 agrees with fp32 on %d of %d probe images (%.3f), top-5 on %d",
        agreement.sameTop1(), agreement.images(), agreement.top1(), agreement.sameTop5());
    if (agreement.top1() < minTop1Agreement) {
      throw new ConfigException("model " + model + " v" + version + ": precision " + precision
          + " refused: " + measured + ", below precision_min_top1_agreement "
          + minTop1Agreement + "; use precision fp32 for this model");
    }
    LOG.info("model {} v{}: precision {} ({})", model, version, precision, measured);
  }

}
