package io.inferencegw.gateway.config;

/**
 * How a model's encoded images are decoded before the resize, crop and normalisation, the
 * {@code preprocessing} key of a model entry.
 */
public enum PreprocessingMode implements NamedSetting {

  /**
   * Every image decoded at full size and resized as torchvision does: the inputs a network saw
   * in its parity tests, bit for bit.
   */
  EXACT,

  /**
   * JPEGs decoded at 1/2, 1/4 or 1/8 scale when the resize target allows it (PIL's draft mode),
   * by libjpeg-turbo, and the resize run on the 8-bit pixels; inputs close to the exact ones,
   * several times cheaper for large photos.
   */
  FAST;

  /** What a model entry without the key gets. */
  public static final PreprocessingMode DEFAULT = FAST;

  /**
   * The mode a config value names.
   *
   * @throws ConfigException naming the allowed values when {@code value} is none of them
   */
  public static PreprocessingMode parse(String value) {
    return NamedSetting.parse(PreprocessingMode.class, "preprocessing", value);
  }
}
