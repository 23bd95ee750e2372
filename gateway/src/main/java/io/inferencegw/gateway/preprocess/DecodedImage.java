package io.inferencegw.gateway.preprocess;

import io.inferencegw.gateway.core.GatewayException;

/**
 * An image as 8-bit pixels in row-major HWC order, 1 (grayscale) or 3 (RGB) channels: the one
 * in-memory form that encoded images ({@link ImageDecoder}) and raw client pixels
 * ({@link #fromRaw}) both become, so that {@link ImagePreprocessor} has a single input type.
 *
 * <p>The pixel array is shared, not copied (images can be tens of megabytes and this is the
 * per-request path): whoever builds one hands the array over and must not change it afterwards.
 *
 * @param width columns, at least 1
 * @param height rows, at least 1
 * @param channels 1 (L) or 3 (R, G, B)
 * @param pixels {@code height * width * channels} bytes, row-major, channels interleaved
 */
public record DecodedImage(int width, int height, int channels, byte[] pixels) {

  public DecodedImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, not " + channels);
    }
    if (pixels.length != (long) width * height * channels) {
      throw new IllegalArgumentException(
          "expected " + (long) width * height * channels + " pixel bytes, got " + pixels.length);
    }
  }

  /**
   * Validates the pixels of a request's {@code RawImage} with the default pixel limit
   * ({@link ImageDecoder#DEFAULT_MAX_PIXELS}).
   *
   * @see #fromRaw(int, int, int, byte[], long)
   */
  public static DecodedImage fromRaw(int width, int height, int channels, byte[] pixels) {
    return fromRaw(width, height, channels, pixels, ImageDecoder.DEFAULT_MAX_PIXELS);
  }

  /**
   * Validates the pixels of a request's {@code RawImage}. The size fields are protobuf
   * {@code uint32}, so they arrive as Java ints that may be negative; they are read as unsigned
   * in the messages so that the client sees the number it sent.
   *
   * @throws GatewayException INVALID_ARGUMENT when channels is not 1 or 3, a size is zero,
   *     the image has more than {@code maxPixels} pixels, or the byte count is not
   *     {@code width * height * channels}
   */
  public static DecodedImage fromRaw(
      int width, int height, int channels, byte[] pixels, long maxPixels) {
    if (channels != 1 && channels != 3) {
      throw GatewayException.invalid(
          "raw image channels must be 1 or 3, got " + Integer.toUnsignedString(channels));
    }
    long w = Integer.toUnsignedLong(width);
    long h = Integer.toUnsignedLong(height);
    if (w == 0 || h == 0) {
      throw GatewayException.invalid("raw image width and height must be positive, got "
          + w + "x" + h);
    }
    if (w * h > maxPixels) {
      throw GatewayException.invalid(
          "raw image " + w + "x" + h + " exceeds the " + maxPixels + "-pixel limit");
    }
    long expected = w * h * channels;
    if (pixels == null || pixels.length != expected) {
      throw GatewayException.invalid("raw image " + w + "x" + h + "x" + channels + " needs "
          + expected + " pixel bytes, got " + (pixels == null ? 0 : pixels.length));
    }
    return new DecodedImage(width, height, channels, pixels);
  }

  /** Number of pixels, {@code width * height}. */
  public long pixelCount() {
    return (long) width * height;
  }

  /**
   * This image with {@code targetChannels} channels, converted the way PIL's
   * {@code Image.convert} does, because the networks were trained on PIL-loaded images:
   * L to RGB replicates the value; RGB to L is ITU-R 601-2 luma in PIL's fixed point,
   * {@code (R*19595 + G*38470 + B*7471 + 0x8000) >> 16}. Returns {@code this} when nothing changes.
   */
  public DecodedImage toChannels(int targetChannels) {
    if (targetChannels == channels) {
      return this;
    }
    int n = width * height;
    if (targetChannels == 3 && channels == 1) {
      byte[] rgb = new byte[n * 3];
      for (int i = 0, o = 0; i < n; i++, o += 3) {
        byte v = pixels[i];
        rgb[o] = v;
        rgb[o + 1] = v;
        rgb[o + 2] = v;
      }
      return new DecodedImage(width, height, 3, rgb);
    }
    if (targetChannels == 1 && channels == 3) {
      byte[] gray = new byte[n];
      for (int i = 0, p = 0; i < n; i++, p += 3) {
        gray[i] = (byte) luma(pixels[p] & 0xff, pixels[p + 1] & 0xff, pixels[p + 2] & 0xff);
      }
      return new DecodedImage(width, height, 1, gray);
    }
    throw new IllegalArgumentException("channels must be 1 or 3, not " + targetChannels);
  }

  /** PIL's RGB to L conversion ({@code ImagingConvert}'s {@code L24}), exact in integers. */
  static int luma(int r, int g, int b) {
    return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecodedImage d
        && width == d.width
        && height == d.height
        && channels == d.channels
        && java.util.Arrays.equals(pixels, d.pixels);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * width + height) + channels) + java.util.Arrays.hashCode(pixels);
  }

  @Override
  public String toString() {
    return "DecodedImage[" + width + "x" + height + "x" + channels + "]";
  }
}
