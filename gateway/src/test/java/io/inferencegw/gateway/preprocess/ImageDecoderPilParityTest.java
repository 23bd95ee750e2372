package io.inferencegw.gateway.preprocess;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decoder gives the pixels PIL gives ({@code Image.open(f).convert("RGB" or "L")}, run by
 * {@code src/test/python/pil_decode_reference.py}), since torchvision's weights were trained on
 * PIL-loaded images. Lossless formats must match exactly; JPEG within a small tolerance, as
 * the JDK's libjpeg 6b and Pillow's libjpeg-turbo round their IDCT and chroma upsampling
 * differently.
 */
class ImageDecoderPilParityTest {

  /** Largest difference in gray levels allowed between two JPEG decoders. */
  private static final int JPEG_TOLERANCE = 3;

  record Case(String name, byte[] encoded, ColorMode mode, boolean exact) {}

  @TempDir Path dir;

  @Test
  void matchesPil() throws Exception {
    PythonReference.requireModule("PIL");
    int w = 53;
    int h = 37;
    byte[] smooth = TestImages.smoothPixels(w, h);
    byte[] noise = TestImages.randomPixels(w, h, 3, 12);
    BufferedImage smoothRgb = TestImages.rgbImage(w, h, smooth);
    BufferedImage noiseRgb = TestImages.rgbImage(w, h, noise);
    BufferedImage gray = TestImages.grayImage(w, h, TestImages.randomPixels(w, h, 1, 13));
    List<Case> cases = List.of(
        new Case("png rgb -> L", TestImages.encode(noiseRgb, "png"), ColorMode.GRAYSCALE, true),
        new Case("png gray -> RGB", TestImages.encode(gray, "png"), ColorMode.RGB, true),
        new Case("png rgba -> RGB", TestImages.encode(rgba(w, h), "png"), ColorMode.RGB, true),
        new Case("png rgba -> L", TestImages.encode(rgba(w, h), "png"), ColorMode.GRAYSCALE,
            true),
        new Case("png palette -> RGB", TestImages.encode(palette(w, h), "png"), ColorMode.RGB,
            true),
        new Case("png palette -> L", TestImages.encode(palette(w, h), "png"),
            ColorMode.GRAYSCALE, true),
        new Case("bmp rgb -> RGB", TestImages.encode(noiseRgb, "bmp"), ColorMode.RGB, true),
        new Case("bmp palette -> RGB", TestImages.encode(palette(w, h), "bmp"), ColorMode.RGB,
            true),
        new Case("jpeg rgb -> RGB", TestImages.encode(smoothRgb, "jpeg"), ColorMode.RGB, false),
        new Case("jpeg rgb -> L", TestImages.encode(smoothRgb, "jpeg"), ColorMode.GRAYSCALE,
            false),
        new Case("jpeg gray -> L", TestImages.encode(gray, "jpeg"), ColorMode.GRAYSCALE,
            false));

    List<String> lines = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      Path encoded = Files.write(dir.resolve(i + ".img"), c.encoded());
      lines.add(encoded + " " + (c.mode() == ColorMode.RGB ? "RGB" : "L") + " "
          + dir.resolve(i + ".u8"));
    }
    PythonReference.run("pil_decode_reference.py", dir, lines);

    ImageDecoder decoder = new ImageDecoder();
    List<Executable> checks = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      byte[] expected = Files.readAllBytes(dir.resolve(i + ".u8"));
      byte[] actual = decoder.decode(c.encoded(), c.mode()).pixels();
      int diff = maxAbsDiff(expected, actual);
      System.out.printf("%-22s max abs diff to PIL %d%n", c.name(), diff);
      checks.add(() -> {
        assertEquals(expected.length, actual.length, c.name() + ": byte count");
        if (c.exact()) {
          assertArrayEquals(expected, actual, c.name());
        } else {
          assertTrue(diff <= JPEG_TOLERANCE, c.name() + ": max abs diff " + diff);
        }
      });
    }
    assertAll(checks);
  }

  private static BufferedImage rgba(int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    Random random = new Random(14);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    return image;
  }

  private static BufferedImage palette(int w, int h) {
    Random random = new Random(15);
    byte[] r = new byte[200];
    byte[] g = new byte[200];
    byte[] b = new byte[200];
    random.nextBytes(r);
    random.nextBytes(g);
    random.nextBytes(b);
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(8, 200, r, g, b));
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.getRaster().setSample(x, y, 0, random.nextInt(200));
      }
    }
    return image;
  }

  private static int maxAbsDiff(byte[] a, byte[] b) {
    int max = 0;
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      max = Math.max(max, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
    }
    return a.length == b.length ? max : Integer.MAX_VALUE;
  }
}
