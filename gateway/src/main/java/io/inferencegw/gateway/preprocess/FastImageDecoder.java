package io.inferencegw.gateway.preprocess;

import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import java.util.Optional;

/**
 * Decodes images for a network whose preprocessing resizes the shorter side to a known length,
 * decoding JPEGs no larger than that resize needs: libjpeg-turbo reduces by 2, 4 or 8 inside the
 * inverse DCT ({@link JpegScale}), as PIL's {@code draft} mode does. The resize that follows then
 * starts from far fewer pixels. Results are close to, not identical with, the exact decoder's
 * (a reduced IDCT averages the same pixels a little differently than an antialiased resize);
 * models that need torchvision's arithmetic to the last bit keep {@link ImageDecoder}.
 *
 * <p>The input bounds are the exact decoder's and are checked first, in the same order and with
 * the same messages: encoded size, format, declared pixel count. Only then is the JPEG's layout
 * read ({@link JpegLayout}); a file cut short is refused here, since libjpeg would decode it with
 * gray rows. JPEGs the native path does not cover (CMYK, 12-bit, unusual marker layouts), PNG
 * and BMP go to the exact decoder.
 *
 * <p>Where no reduction applies, libjpeg-turbo still decodes: its pixels equal the exact
 * decoder's (both are libjpeg's integer IDCT and upsampling), at a third of the time. Except
 * for JPEGs with an embedded ICC profile: the JDK converts those to sRGB, while libjpeg-turbo, as
 * PIL, returns the file's samples.
 *
 * <p>Immutable and thread-safe.
 */
public final class FastImageDecoder {

  /**
   * Most scans accepted in one JPEG. A progressive file from a real encoder has around ten, a
   * few dozen at most; each scan makes libjpeg pass over the whole coefficient buffer, so a few
   * kilobytes of empty scans could otherwise keep a core busy for minutes.
   */
  static final int MAX_SCANS = 500;

  private final ImageDecoder exact;
  private final long resizeShorter;

  /**
   * @param exact the decoder whose limits apply, and which decodes what this one does not
   * @param resizeShorter the length the preprocessing resizes the shorter side to
   */
  public FastImageDecoder(ImageDecoder exact, long resizeShorter) {
    this.exact = exact;
    this.resizeShorter = resizeShorter;
    NativeJpegDecoder.load();
  }

  /**
   * Decodes {@code encoded} and converts it to {@code color}; a JPEG possibly at reduced size.
   *
   * @throws GatewayException INVALID_ARGUMENT as {@link ImageDecoder#decode(byte[], ColorMode)},
   *     and for JPEGs with more than {@link #MAX_SCANS} scans
   */
  public DecodedImage decode(byte[] encoded, ColorMode color) {
    ImageFormat format = exact.checkedFormat(encoded);
    if (format == ImageFormat.JPEG) {
      Optional<JpegLayout> layout = JpegLayout.read(encoded);
      if (layout.isPresent() && nativelyDecodable(layout.get())) {
        return decodeJpeg(encoded, layout.get(), color);
      }
    }
    return exact.decode(encoded, color);
  }

  /** 8-bit gray or YCbCr/RGB frames: the colour models whose conversion both decoders share. */
  private static boolean nativelyDecodable(JpegLayout layout) {
    return layout.precision() == 8 && (layout.components() == 1 || layout.components() == 3);
  }

  private DecodedImage decodeJpeg(byte[] encoded, JpegLayout layout, ColorMode color) {
    exact.checkSize(layout.width(), layout.height());
    if (!layout.complete()) {
      throw ImageDecoder.corrupt("JPEG data ends before its end-of-image marker");
    }
    if (layout.scans() > MAX_SCANS) {
      throw GatewayException.invalid(
          "JPEG has " + layout.scans() + " scans, more than the " + MAX_SCANS + "-scan limit");
    }
    int denominator = JpegScale.denominator(layout.width(), layout.height(), resizeShorter);
    // A colour JPEG for a gray network is decoded to RGB and converted with PIL's luma, not
    // taken from libjpeg's Y channel: Y differs from PIL's L by up to 20 where RGB clips.
    boolean gray = layout.components() == 1;
    DecodedImage image =
        NativeJpegDecoder.decode(encoded, denominator, gray, layout.width(), layout.height());
    if (endsInMidGray(image)) {
      return exact.decode(encoded, color);
    }
    return image.toChannels(color.channels());
  }

  /**
   * Whether the last row is all 128, which is what libjpeg leaves where the entropy-coded data
   * ran out before the last block (it warns, zeroes the missing coefficients and goes on; the
   * native decoder does not report the warning). A file cut short and given a new end marker
   * looks complete to {@link JpegLayout}, so such images are decoded again by the exact decoder,
   * which refuses them when the data did run out, and decodes them when the gray is the image's.
   * Data missing elsewhere (inside a restart interval, or in a later scan of a progressive
   * file) leaves no such trace and is decoded as libjpeg makes it.
   */
  static boolean endsInMidGray(DecodedImage image) {
    byte[] pixels = image.pixels();
    int rowBytes = image.width() * image.channels();
    for (int i = pixels.length - rowBytes; i < pixels.length; i++) {
      if (pixels[i] != (byte) 128) {
        return false;
      }
    }
    return true;
  }
}
