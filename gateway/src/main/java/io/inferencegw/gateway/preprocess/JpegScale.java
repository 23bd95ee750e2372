package io.inferencegw.gateway.preprocess;

/**
 * The DCT scaling a JPEG can be decoded at before the resize step, as PIL's {@code draft}
 * chooses it: the largest of 1/8, 1/4 and 1/2 that still leaves the shorter side at least the
 * resize target, so the resize only ever shrinks and sees at least as many pixels as it
 * produces.
 */
final class JpegScale {

  /** libjpeg's reduced IDCT sizes, largest reduction first. */
  private static final int[] DENOMINATORS = {8, 4, 2};

  private JpegScale() {}

  /**
   * The denominator (8, 4, 2, or 1 for full size) for an image of {@code width x height} whose
   * shorter side is to be resized to {@code resizeShorter}.
   */
  static int denominator(long width, long height, long resizeShorter) {
    long shorter = Math.min(width, height);
    if (resizeShorter <= 0 || shorter <= 0) {
      return 1;
    }
    for (int d : DENOMINATORS) {
      if (shorter / d >= resizeShorter) {
        return d;
      }
    }
    return 1;
  }

  /** The length libjpeg decodes a side of {@code length} pixels to at 1/{@code denominator}. */
  static long scaledLength(long length, int denominator) {
    return (length + denominator - 1) / denominator;
  }
}
