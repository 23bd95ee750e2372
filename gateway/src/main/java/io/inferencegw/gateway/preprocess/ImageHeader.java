package io.inferencegw.gateway.preprocess;

import java.util.Optional;

/**
 * The width and height an encoded image declares, read from its first bytes without any
 * decoder.
 *
 * <p>Why not only ask the ImageIO reader: readers fail on some headers before they report a
 * size, with messages that do not say what is wrong to a client (a zero-width PNG gives "I/O
 * error reading PNG header!", a 65520-pixel-wide JPEG "Maximum supported image dimension is
 * 65500 pixels"). Reading the few header fields here gives precise errors for zero sizes and
 * over-limit sizes first; the reader's own size is still checked afterwards, so a header this
 * class cannot parse is never a way around the pixel limit. The same first bytes also tell
 * when a file uses a feature whose JDK reader would get around the limits ({@link #unsupported}).
 *
 * @param width declared width (may be zero; BMP's top-down negative height is made positive)
 * @param height declared height
 */
record ImageHeader(long width, long height) {

  /** BMP compression values whose pixel data is a whole embedded JPEG or PNG file. */
  private static final long BMP_EMBEDDED_JPEG = 4;
  private static final long BMP_EMBEDDED_PNG = 5;

  /** The declared size, or empty when the header is too short or malformed to tell. */
  static Optional<ImageHeader> read(ImageFormat format, byte[] data) {
    return switch (format) {
      case PNG -> png(data);
      case BMP -> bmp(data);
      case JPEG -> jpeg(data);
    };
  }

  /**
   * Why the bytes must not reach the ImageIO reader at all, if a header field says so.
   *
   * <p>A BMP whose pixel data is an embedded JPEG or PNG (compression 4 or 5) is refused: the
   * JDK reader allocates the size its header declares for the embedded file before reading a
   * byte of it (up to 2 GiB, or an OutOfMemoryError), and then decodes the embedded image at
   * its own size, which no check of the BMP header bounds. PIL refuses these files too.
   */
  static Optional<String> unsupported(ImageFormat format, byte[] data) {
    if (format == ImageFormat.BMP && data.length >= 34 && u32le(data, 14) >= 40) {
      long compression = u32le(data, 30);
      if (compression == BMP_EMBEDDED_JPEG || compression == BMP_EMBEDDED_PNG) {
        String embedded = compression == BMP_EMBEDDED_JPEG ? "JPEG" : "PNG";
        return Optional.of("BMP with embedded " + embedded + " data (compression " + compression
            + ") is not supported");
      }
    }
    return Optional.empty();
  }

  /** PNG: the IHDR chunk must come first; width and height are big-endian uint32. */
  private static Optional<ImageHeader> png(byte[] d) {
    if (d.length < 24 || d[12] != 'I' || d[13] != 'H' || d[14] != 'D' || d[15] != 'R') {
      return Optional.empty();
    }
    return Optional.of(new ImageHeader(u32be(d, 16), u32be(d, 20)));
  }

  /**
   * BMP: after the 14-byte file header comes the DIB header, whose first field is its size:
   * 12 bytes (OS/2 BITMAPCOREHEADER, 16-bit sizes) or 40 and more (BITMAPINFOHEADER and later,
   * signed 32-bit sizes, a negative height meaning top-down rows).
   */
  private static Optional<ImageHeader> bmp(byte[] d) {
    if (d.length < 18) {
      return Optional.empty();
    }
    long dibSize = u32le(d, 14);
    if (dibSize == 12 && d.length >= 26) {
      return Optional.of(new ImageHeader(u16le(d, 18), u16le(d, 20)));
    }
    if (dibSize >= 40 && d.length >= 26) {
      long width = (int) u32le(d, 18);
      long height = Math.abs((long) (int) u32le(d, 22));
      return width < 0 ? Optional.empty() : Optional.of(new ImageHeader(width, height));
    }
    return Optional.empty();
  }

  /**
   * JPEG: walk the marker segments to the first start-of-frame (SOF0-SOF15 except DHT, JPG and
   * DAC, which share the range); it holds precision, height, width.
   */
  private static Optional<ImageHeader> jpeg(byte[] d) {
    int i = 2;
    while (i + 1 < d.length) {
      if ((d[i] & 0xFF) != 0xFF) {
        return Optional.empty();
      }
      int marker = d[i + 1] & 0xFF;
      if (marker == 0xFF) {
        i++; // fill byte
        continue;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
        i += 2; // stand-alone markers have no length
        continue;
      }
      if (i + 3 >= d.length) {
        return Optional.empty();
      }
      int length = u16be(d, i + 2);
      boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF
          && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (startOfFrame) {
        if (i + 8 >= d.length) {
          return Optional.empty();
        }
        return Optional.of(new ImageHeader(u16be(d, i + 7), u16be(d, i + 5)));
      }
      if (marker == 0xDA || marker == 0xD9 || length < 2) {
        return Optional.empty(); // scan data or end before any frame header
      }
      i += 2 + length;
    }
    return Optional.empty();
  }

  private static int u16be(byte[] d, int i) {
    return (d[i] & 0xFF) << 8 | (d[i + 1] & 0xFF);
  }

  private static int u16le(byte[] d, int i) {
    return (d[i] & 0xFF) | (d[i + 1] & 0xFF) << 8;
  }

  private static long u32be(byte[] d, int i) {
    return ((long) u16be(d, i) << 16) | u16be(d, i + 2);
  }

  private static long u32le(byte[] d, int i) {
    return u16le(d, i) | ((long) u16le(d, i + 2) << 16);
  }
}
