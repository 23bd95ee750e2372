package io.inferencegw.gateway.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a model's encoded images are decoded before the resize, crop and normalisation, the
 * {@code preprocessing} key of a model entry.
 */
public enum PreprocessingMode {

  /**
   * Every image decoded at full size and resized as torchvision does: the inputs a network saw
   * in its parity tests, bit for bit.
   */
  EXACT("exact"),

  /**
   * JPEGs decoded at 1/2, 1/4 or 1/8 scale when the resize target allows it (PIL's draft mode),
   * by libjpeg-turbo, and the resize run on the 8-bit pixels; inputs close to the exact ones,
   * several times cheaper for large photos.
   */
  FAST("fast");

  /** What a model entry without the key gets. */
  public static final PreprocessingMode DEFAULT = FAST;

  private final String configName;

  PreprocessingMode(String configName) {
    this.configName = configName;
  }

  /** The value as a config file spells it. */
  public String configName() {
    return configName;
  }

  /**
   * The mode a config value names.
   *
   * @throws ConfigException naming the allowed values when {@code value} is none of them
   */
  public static PreprocessingMode parse(String value) {
    for (PreprocessingMode mode : values()) {
      if (mode.configName.equals(value)) {
        return mode;
      }
    }
    String allowed = Arrays.stream(values()).map(m -> m.configName)
        .collect(Collectors.joining(" or "));
    throw new ConfigException("'preprocessing' must be " + allowed + ", got " + quoted(value));
  }

  /** The value, shortened and with control characters replaced, so a message stays one line. */
  private static String quoted(String value) {
    String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
    return "'" + shown.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        + "'" + (value.toLowerCase(Locale.ROOT).equals(value) ? "" : " (values are lower case)");
  }
}
