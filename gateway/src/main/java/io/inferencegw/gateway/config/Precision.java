package io.inferencegw.gateway.config;

/**
 * The number format a model's replicas compute in. {@code fp32} is exact (what the parity tests
 * prove); {@code bf16} and {@code fp16} trade accuracy for speed where the device has the
 * hardware for them, and are refused at load where it does not.
 */
public enum Precision implements NamedSetting {
  FP32,
  BF16,
  FP16;

  /** Whether batches run in a format narrower than the weights were trained in. */
  public boolean reduced() {
    return this != FP32;
  }

  /** The precision a config value names; the message lists the accepted values. */
  public static Precision parse(String value) {
    return NamedSetting.parse(Precision.class, "precision", value);
  }

  @Override
  public String toString() {
    return configName();
  }
}
