package io.inferencegw.gateway.preprocess;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** Images the tests make themselves, so that no binary fixtures are needed. */
final class TestImages {

  private TestImages() {}

  /** Uniformly random RGB pixels, HWC. */
  static byte[] randomPixels(int width, int height, int channels, long seed) {
    byte[] pixels = new byte[width * height * channels];
    new Random(seed).nextBytes(pixels);
    return pixels;
  }

  /**
   * Smooth RGB content (gradients plus a soft blob), HWC: what JPEG compresses well, so decoder
   * differences stay small and comparisons can be tight.
   */
  static byte[] smoothPixels(int width, int height) {
    byte[] pixels = new byte[width * height * 3];
    int o = 0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double dx = (x - width * 0.6) / width;
        double dy = (y - height * 0.4) / height;
        double blob = 90 * Math.exp(-(dx * dx + dy * dy) * 8);
        pixels[o++] = (byte) clamp(40 + 150.0 * x / width + blob * 0.5);
        pixels[o++] = (byte) clamp(30 + 170.0 * y / height);
        pixels[o++] = (byte) clamp(200 - 120.0 * (x + y) / (width + height) + blob * 0.3);
      }
    }
    return pixels;
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  /** A TYPE_INT_RGB image holding HWC RGB pixels. */
  static BufferedImage rgbImage(int width, int height, byte[] rgb) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = (y * width + x) * 3;
        row[x] = (rgb[p] & 0xFF) << 16 | (rgb[p + 1] & 0xFF) << 8 | (rgb[p + 2] & 0xFF);
      }
      image.setRGB(0, y, width, 1, row, 0, width);
    }
    return image;
  }

  /** A TYPE_BYTE_GRAY image holding the given gray pixels (raster samples, no colour maths). */
  static BufferedImage grayImage(int width, int height, byte[] gray) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setDataElements(0, 0, width, height, gray);
    return image;
  }

  static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format + " and " + image);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
