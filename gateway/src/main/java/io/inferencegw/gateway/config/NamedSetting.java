package io.inferencegw.gateway.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A model setting whose config value is one of a few names, one per enum constant: the constant's
 * name in lower case ({@code precision: bf16}, {@code preprocessing: exact}).
 */
public interface NamedSetting {

  /** The value as a config file writes it. */
  default String configName() {
    return ((Enum<?>) this).name().toLowerCase(Locale.ROOT);
  }

  /**
   * The constant of {@code type} that {@code value} names, in any case and with surrounding
   * blanks ignored.
   *
   * @throws ConfigException naming the key and the accepted values, and echoing the value
   *     shortened to one line
   */
  static <E extends Enum<E> & NamedSetting> E parse(Class<E> type, String key, String value) {
    String wanted = value.strip().toLowerCase(Locale.ROOT);
    E[] constants = type.getEnumConstants();
    for (E constant : constants) {
      if (constant.configName().equals(wanted)) {
        return constant;
      }
    }
    List<String> names = Arrays.stream(constants).map(NamedSetting::configName).toList();
    String accepted = String.join(", ", names.subList(0, names.size() - 1)) + " or "
        + names.get(names.size() - 1);
    throw new ConfigException("'" + key + "' must be " + accepted + ", got " + shown(value));
  }

  /** The value quoted, shortened, with control characters replaced: a message stays one line. */
  private static String shown(String value) {
    String shortened = value.length() > 40 ? value.substring(0, 40) + "..." : value;
    return "'" + shortened.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append) + "'";
  }
}
