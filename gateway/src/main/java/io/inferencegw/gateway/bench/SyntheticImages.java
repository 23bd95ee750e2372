package io.inferencegw.gateway.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Seeded JPEG images for load tests of ImageNet-sized models: a random 6x6 colour grid scaled to
 * the image size, plus a little noise, so that images differ and compress like photographs
 * rather than like flat colour.
 */
public final class SyntheticImages {

  private static final int GRID = 6;

  private SyntheticImages() {}

  public static List<byte[]> jpegs(int count, int width, int height, long seed) {
    Random random = new Random(seed);
    List<byte[]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(encode(image(random, width, height)));
    }
    return out;
  }

  private static BufferedImage image(Random random, int width, int height) {
    int[][] grid = new int[GRID][GRID];
    for (int[] row : grid) {
      for (int c = 0; c < GRID; c++) {
        row[c] = random.nextInt(1 << 24);
      }
    }
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = grid[y * GRID / height][x * GRID / width];
        int noise = random.nextInt(17) - 8;
        int r = clamp(((rgb >> 16) & 0xff) + noise);
        int g = clamp(((rgb >> 8) & 0xff) + noise);
        int b = clamp((rgb & 0xff) + noise);
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return img;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  private static byte[] encode(BufferedImage img) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      if (!ImageIO.write(img, "jpg", bytes)) {
        throw new IllegalStateException("no JPEG writer");
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
