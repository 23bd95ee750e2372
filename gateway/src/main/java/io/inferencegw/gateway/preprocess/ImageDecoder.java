package io.inferencegw.gateway.preprocess;

import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import java.awt.image.BufferedImage;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;

/**
 * Turns a request's encoded image (JPEG, PNG or BMP) into 8-bit pixels in the colour mode the
 * network expects, with the JDK's own {@code javax.imageio} readers: no LibTorch and no extra
 * dependency, so it can run on any worker thread (never on an event loop: decoding a large
 * JPEG takes tens of milliseconds).
 *
 * <p>Untrusted input is bounded twice before any pixel memory is allocated: the encoded size
 * ({@code maxEncodedBytes}), and the pixel count declared in the header ({@code maxPixels}),
 * since a few kilobytes of PNG or JPEG can claim gigapixels (a decompression bomb). The size is
 * read by {@link ImageHeader} from the raw bytes, then again from the ImageIO reader's header
 * parse, both before {@code ImageReader.read} allocates the raster. Every failure is a
 * {@link GatewayException} with code INVALID_ARGUMENT and a message the client can act on.
 *
 * <p>Colour conversion follows PIL's {@code Image.convert}, which is what torchvision models were
 * trained with: see {@link DecodedImage#toChannels}. EXIF orientation is not applied (PIL and
 * torchvision do not either).
 *
 * <p>Immutable and thread-safe; each call uses its own {@link ImageReader}.
 */
public final class ImageDecoder {

  /** Default bound on the encoded size: 16 MiB. */
  public static final long DEFAULT_MAX_ENCODED_BYTES = 16L << 20;

  /** Default bound on width x height: 40 megapixels, e.g. 8000x5000. */
  public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

  private final long maxEncodedBytes;
  private final long maxPixels;
  private final Map<ImageFormat, ImageReaderSpi> readers = new EnumMap<>(ImageFormat.class);

  /** A decoder with the default limits. */
  public ImageDecoder() {
    this(DEFAULT_MAX_ENCODED_BYTES, DEFAULT_MAX_PIXELS);
  }

  /**
   * @param maxEncodedBytes largest accepted encoded image, in bytes
   * @param maxPixels largest accepted {@code width * height} (encoded and raw images alike)
   */
  public ImageDecoder(long maxEncodedBytes, long maxPixels) {
    if (maxEncodedBytes <= 0 || maxPixels <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    this.maxEncodedBytes = maxEncodedBytes;
    this.maxPixels = maxPixels;
    // Look the reader providers up once; ImageIO's registry lookup walks every plugin.
    for (ImageFormat format : ImageFormat.values()) {
      Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format.imageIoName());
      if (!it.hasNext()) {
        throw new IllegalStateException("no ImageIO reader for " + format);
      }
      ImageReader reader = it.next();
      readers.put(format, reader.getOriginatingProvider());
      reader.dispose();
    }
  }

  public long maxEncodedBytes() {
    return maxEncodedBytes;
  }

  public long maxPixels() {
    return maxPixels;
  }

  /**
   * The width x height an encoded image declares in its header, read without decoding (cheap
   * enough for an event loop), or -1 when the format or the header cannot be read.
   */
  public static long declaredPixels(byte[] encoded) {
    return ImageFormat.sniff(encoded)
        .flatMap(format -> ImageHeader.read(format, encoded))
        .map(h -> h.width() * h.height())
        .orElse(-1L);
  }

  /**
   * Decodes {@code encoded} and converts it to {@code color}.
   *
   * @throws GatewayException INVALID_ARGUMENT when the bytes are empty or over the size limit,
   *     not JPEG/PNG/BMP, corrupt or truncated, of zero size, or over the pixel limit
   */
  public DecodedImage decode(byte[] encoded, ColorMode color) {
    return decode(encoded).toChannels(color.channels());
  }

  /**
   * Decodes {@code encoded} keeping its own colour mode: 1 channel for gray (and gray-palette)
   * images, 3 for everything else; alpha is dropped.
   *
   * @throws GatewayException as {@link #decode(byte[], ColorMode)}
   */
  public DecodedImage decode(byte[] encoded) {
    ImageFormat format = checkedFormat(encoded);
    BufferedImage image = read(format, encoded);
    return BufferedImagePixels.copyOf(image);
  }

  /**
   * The checks every decoding path makes before it allocates pixel memory: not empty, within
   * the encoded size limit, a supported format, and, where the header can be read, a declared
   * size within the pixel limit.
   *
   * @throws GatewayException INVALID_ARGUMENT naming the first check that fails
   */
  ImageFormat checkedFormat(byte[] encoded) {
    if (encoded == null || encoded.length == 0) {
      throw GatewayException.invalid("image is empty");
    }
    if (encoded.length > maxEncodedBytes) {
      throw GatewayException.invalid("image is " + encoded.length + " bytes, more than the "
          + maxEncodedBytes + "-byte limit");
    }
    ImageFormat format = ImageFormat.sniff(encoded).orElseThrow(() -> GatewayException.invalid(
        "image format not recognised (expected JPEG, PNG or BMP)"));
    ImageHeader.unsupported(format, encoded).ifPresent(reason -> {
      throw GatewayException.invalid(reason);
    });
    ImageHeader.read(format, encoded).ifPresent(h -> checkSize(h.width(), h.height()));
    return format;
  }

  /**
   * Validates a request's raw pixels against this decoder's pixel limit and converts them to
   * {@code color}.
   *
   * @throws GatewayException INVALID_ARGUMENT as {@link DecodedImage#fromRaw}
   */
  public DecodedImage fromRaw(
      int width, int height, int channels, byte[] pixels, ColorMode color) {
    return DecodedImage.fromRaw(width, height, channels, pixels, maxPixels)
        .toChannels(color.channels());
  }

  private BufferedImage read(ImageFormat format, byte[] encoded) {
    ImageReader reader;
    try {
      reader = readers.get(format).createReaderInstance();
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the " + format + " reader", e);
    }
    List<String> warnings = new ArrayList<>(1);
    reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
    try (ByteArrayImageInputStream input = new ByteArrayImageInputStream(encoded)) {
      reader.setInput(input, true, true);
      // Only the header is parsed here: the size is checked before any pixel is allocated.
      checkSize(reader.getWidth(0), reader.getHeight(0));
      BufferedImage image = reader.read(0, reader.getDefaultReadParam());
      String truncation = truncationWarning(warnings);
      if (truncation != null) {
        throw corrupt(truncation);
      }
      return image;
    } catch (EOFException e) {
      throw corrupt("unexpected end of data");
    } catch (IOException e) {
      throw corrupt(describe(e));
    } catch (GatewayException e) {
      throw e;
    } catch (RuntimeException e) {
      // The JDK readers are not hardened against every malformed header: some throw
      // IllegalArgumentException, IndexOutOfBoundsException, NegativeArraySizeException,
      // CMMException or RasterFormatException instead of IIOException.
      throw corrupt(describe(e));
    } finally {
      reader.dispose();
    }
  }

  void checkSize(long width, long height) {
    if (width <= 0 || height <= 0) {
      throw GatewayException.invalid(
          "image has zero width or height (" + width + "x" + height + ")");
    }
    if (width * height > maxPixels) {
      throw GatewayException.invalid(
          "image " + width + "x" + height + " exceeds the " + maxPixels + "-pixel limit");
    }
  }

  /**
   * The JPEG reader does not fail on a truncated file: libjpeg warns, fills the missing rows
   * with gray and returns. PIL (hence torchvision's training data) rejects such files, and a
   * half-gray image would be classified without complaint, so truncation warnings are treated
   * as errors. Other warnings (such as extraneous bytes before a marker) are harmless and
   * accepted, as PIL accepts them.
   */
  private static String truncationWarning(List<String> warnings) {
    for (String warning : warnings) {
      String lower = warning.toLowerCase(Locale.ROOT);
      if (lower.contains("truncated") || lower.contains("premature end")) {
        return warning;
      }
    }
    return null;
  }

  private static String describe(Throwable e) {
    StringBuilder detail = new StringBuilder();
    for (Throwable t = e; t != null && detail.length() < 200; t = t.getCause()) {
      if (detail.length() > 0) {
        detail.append(": ");
      }
      detail.append(t instanceof EOFException ? "unexpected end of data"
          : t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
    }
    return detail.toString();
  }

  static GatewayException corrupt(String detail) {
    return GatewayException.invalid("image is corrupt or truncated: " + detail);
  }
}
