package io.inferencegw.plugin.api.parity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The outcome of one numerical comparison.
 *
 * @param variant our variant
 * @param reference label of the PyTorch model
 * @param parameters exact parameter count (ours, equal to the reference's)
 * @param maxAbsDiff largest |ours - reference| over all logits
 * @param maxAbsReference largest |reference logit|
 * @param tolerance {@code 1e-4 * (1 + maxAbsReference)}
 * @param rows number of input images
 * @param rowsWithSameTop5 rows whose top-5 classes agree (ties within the tolerance accepted)
 * @param bf16 how our network in bf16 ranks classes against our network in float32, on the same
 *     weights and input (not part of {@link #passed}: parity is about float32); null where
 *     not measured
 */
public record ParityResult(
    String variant,
    String reference,
    long parameters,
    double maxAbsDiff,
    double maxAbsReference,
    double tolerance,
    int rows,
    int rowsWithSameTop5,
    PrecisionAgreement bf16) {

  /** Relative tolerance of the parity tests: {@code max|diff| <= 1e-4 * (1 + max|ref|)}. */
  public static final double RELATIVE_TOLERANCE = 1e-4;

  public boolean passed() {
    return maxAbsDiff <= tolerance && rowsWithSameTop5 == rows;
  }

  ParityResult withBf16(PrecisionAgreement agreement) {
    return new ParityResult(variant, reference, parameters, maxAbsDiff, maxAbsReference,
        tolerance, rows, rowsWithSameTop5, agreement);
  }

  /** A Markdown table row; see {@link #TABLE_HEADER}. */
  public String tableRow() {
    return String.format(Locale.ROOT, "| %s | %,d | %.2e | %.2e | %.2f | %d/%d | %s | %s |",
        variant, parameters, maxAbsDiff, tolerance, maxAbsReference, rowsWithSameTop5, rows,
        passed() ? "ok" : "FAIL", bf16 == null ? "-" : bf16.summary());
  }

  public static final String TABLE_HEADER =
      "| variant | parameters | max abs diff | tolerance | max abs logit | same top-5 | |"
          + " bf16 vs float32 |\n"
          + "|---|---:|---:|---:|---:|---:|---|---|";

  /** Appends the row to {@code file} (creating it with the header), for the results table. */
  public void appendTo(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      String text = (Files.exists(file) ? "" : TABLE_HEADER + "\n") + tableRow() + "\n";
      Files.writeString(file, text, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
