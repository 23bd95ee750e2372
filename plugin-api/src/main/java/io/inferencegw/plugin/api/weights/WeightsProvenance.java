package io.inferencegw.plugin.api.weights;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The family and variant a weights file was made for, recorded in its {@code __metadata__}
 * (keys {@value #FAMILY} and {@value #VARIANT}) by our trainers and the checkpoint converter.
 *
 * <p>Strict loading compares names and shapes, which variants of one family often share (LeNet-5
 * with sigmoid and with ReLU have identical parameters): without this record the weights of one
 * load silently into the other and serve near-random answers. Files without the keys (from
 * elsewhere) are accepted, as nothing says what they are for.
 */
public final class WeightsProvenance {

  public static final String FAMILY = "family";
  public static final String VARIANT = "variant";

  private WeightsProvenance() {}

  /** The metadata entries recording a family and variant. */
  public static Map<String, String> of(String family, String variant) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(FAMILY, family);
    out.put(VARIANT, variant);
    return out;
  }

  /**
   * Refuses a file whose metadata records another family or variant than the one it is loaded
   * into, naming both.
   */
  public static void check(SafetensorsReader reader, String family, String variant) {
    Map<String, String> metadata = reader.metadata();
    String recordedFamily = metadata.get(FAMILY);
    String recordedVariant = metadata.get(VARIANT);
    boolean familyDiffers = recordedFamily != null && !recordedFamily.equals(family);
    boolean variantDiffers = recordedVariant != null && !recordedVariant.equals(variant);
    if (familyDiffers || variantDiffers) {
      throw new WeightLoadException(reader.source(), family + "/" + variant,
          "the file's __metadata__ records " + describe(recordedFamily, family) + "/"
              + describe(recordedVariant, variant) + ", not " + family + "/" + variant
              + " (weights of one variant do not fit another, even where the shapes agree)");
    }
  }

  private static String describe(String recorded, String fallback) {
    return recorded == null ? "(" + fallback + ")" : printable(recorded);
  }

  /** A metadata value as a message may quote it: printable, and at most 64 characters. */
  private static String printable(String value) {
    String cut = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
