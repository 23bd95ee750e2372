package io.inferencegw.gateway.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The number format a model's replicas compute in. {@code fp32} is exact (what the parity tests
 * prove); {@code bf16} and {@code fp16} trade accuracy for speed where the device has the
 * hardware for them, and are refused at load where it does not.
 */
public enum Precision {
  FP32,
  BF16,
  FP16;

  /** The value as written in a config: {@code fp32}, {@code bf16}, {@code fp16}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether batches run in a format narrower than the weights were trained in. */
  public boolean reduced() {
    return this != FP32;
  }

  /** The precision a config value names; the message lists the accepted values. */
  public static Precision parse(String value) {
    for (Precision p : values()) {
      if (p.configName().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new ConfigException("precision must be one of " + Arrays.stream(values())
        .map(Precision::configName).collect(Collectors.joining(", ")) + ", got '"
        + (value.length() > 20 ? value.substring(0, 20) + "..." : value) + "'");
  }

  @Override
  public String toString() {
    return configName();
  }
}
