package io.inferencegw.gateway.config;

import java.util.regex.Pattern;

/**
 * The characters a model, family or variant name may use. Names reach log lines, metrics labels,
 * URL paths and error messages; a name with CR/LF could forge log lines, one with '/' or
 * spaces breaks paths. The set is the one Triton and KServe accept for model names.
 */
public final class SafeNames {

  /** A letter or digit, then up to 127 letters, digits, '.', '_' or '-'. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public static final String RULE =
      "1 to 128 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit";

  private SafeNames() {}

  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Returns the name if it is valid; otherwise throws naming the key and the rule. The rejected
   * value is not quoted: it may hold the very characters the rule keeps out of logs.
   */
  public static String require(String key, String name) {
    if (!isValid(name)) {
      throw new ConfigException(key + " must be " + RULE);
    }
    return name;
  }
}
