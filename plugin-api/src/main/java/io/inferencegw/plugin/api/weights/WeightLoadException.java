package io.inferencegw.plugin.api.weights;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A weight file that does not fit a module under strict loading.
 *
 * <p>All problems are collected and reported together: fixing a port of a network one key per
 * run is slow, and the full list (missing vs unexpected names side by side) usually shows the
 * cause at a glance, e.g. a renamed submodule. Unchecked, because a wrong checkpoint is a
 * deployment error the caller cannot recover from locally; the gateway reports it and keeps
 * serving the previous version.
 */
public class WeightLoadException extends RuntimeException {

  /** How many keys each section of the message lists before it only counts the rest. */
  static final int LISTED_PER_SECTION = 20;

  /** A tensor present on both sides with different shapes. */
  public record ShapeMismatch(String key, List<Long> expected, List<Long> found) {
    ShapeMismatch(String key, long[] expected, long[] found) {
      this(key, Arrays.stream(expected).boxed().toList(), Arrays.stream(found).boxed().toList());
    }

    @Override
    public String toString() {
      return key + ": expected " + expected + ", found " + found;
    }
  }

  private final String source;
  private final List<String> missingKeys;
  private final List<String> unexpectedKeys;
  private final List<ShapeMismatch> shapeMismatches;
  private final List<DtypeMismatch> dtypeMismatches;

  WeightLoadException(
      String source,
      String target,
      List<String> missingKeys,
      List<String> unexpectedKeys,
      List<ShapeMismatch> shapeMismatches,
      List<DtypeMismatch> dtypeMismatches) {
    super(message(source, target, missingKeys, unexpectedKeys, shapeMismatches, dtypeMismatches));
    this.source = source;
    this.missingKeys = List.copyOf(missingKeys);
    this.unexpectedKeys = List.copyOf(unexpectedKeys);
    this.shapeMismatches = List.copyOf(shapeMismatches);
    this.dtypeMismatches = List.copyOf(dtypeMismatches);
  }

  /** A tensor present on both sides whose file dtype cannot hold the module's values. */
  public record DtypeMismatch(String key, String expected, SafetensorsDtype found) {
    @Override
    public String toString() {
      return key + ": the module needs " + expected + ", the file has " + found;
    }
  }

  /** The file is well formed but its content cannot be right (see the message). */
  WeightLoadException(String source, String target, String problem) {
    super("cannot load weights from " + source + " into " + target + ": " + problem);
    this.source = source;
    this.missingKeys = List.of();
    this.unexpectedKeys = List.of();
    this.shapeMismatches = List.of();
    this.dtypeMismatches = List.of();
  }

  /** The file could not be read or is not valid safetensors. */
  WeightLoadException(String source, String target, Throwable cause) {
    super(
        "cannot load weights from " + source + " into " + target + ": " + cause.getMessage(),
        cause);
    this.source = source;
    this.missingKeys = List.of();
    this.unexpectedKeys = List.of();
    this.shapeMismatches = List.of();
    this.dtypeMismatches = List.of();
  }

  /** The file path or buffer name the weights came from. */
  public String source() {
    return source;
  }

  /** Keys the module has and the file lacks. */
  public List<String> missingKeys() {
    return missingKeys;
  }

  /** Keys the file has and the module lacks. */
  public List<String> unexpectedKeys() {
    return unexpectedKeys;
  }

  public List<ShapeMismatch> shapeMismatches() {
    return shapeMismatches;
  }

  public List<DtypeMismatch> dtypeMismatches() {
    return dtypeMismatches;
  }

  private static String message(
      String source,
      String target,
      List<String> missing,
      List<String> unexpected,
      List<ShapeMismatch> mismatches,
      List<DtypeMismatch> dtypes) {
    StringBuilder sb =
        new StringBuilder("strict loading of ")
            .append(source)
            .append(" into ")
            .append(target)
            .append(" failed: ")
            .append(missing.size())
            .append(" missing, ")
            .append(unexpected.size())
            .append(" unexpected, ")
            .append(mismatches.size())
            .append(" shape mismatches, ")
            .append(dtypes.size())
            .append(" dtype mismatches");
    section(sb, "missing keys", missing, Function.identity());
    section(sb, "unexpected keys", unexpected, Function.identity());
    section(sb, "shape mismatches", mismatches, ShapeMismatch::toString);
    section(sb, "dtype mismatches", dtypes, DtypeMismatch::toString);
    return sb.toString();
  }

  private static <T> void section(
      StringBuilder sb, String title, List<T> items, Function<T, String> format) {
    if (items.isEmpty()) {
      return;
    }
    sb.append("\n  ").append(title).append(" (").append(items.size()).append("):");
    items.stream()
        .limit(LISTED_PER_SECTION)
        .forEach(item -> sb.append("\n    ").append(format.apply(item)));
    if (items.size() > LISTED_PER_SECTION) {
      sb.append("\n    ... and ").append(items.size() - LISTED_PER_SECTION).append(" more");
    }
  }
}
