package io.inferencegw.plugin.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.testing.Prerequisites;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

  @Test
  void testSplitHasTenThousandImagesAThousandPerClass() throws IOException {
    Path dir = FashionMnist.defaultDir();
    Prerequisites.require(FashionMnist.isInstalled(dir), "Fashion-MNIST in " + dir,
        "dataset-fashion-mnist");
    FashionMnist test = FashionMnist.test(dir);
    assertEquals(10_000, test.count());
    assertEquals(28, test.rows());
    assertEquals(28, test.cols());
    assertEquals(10_000 * 784, test.pixels().length);
    int[] perClass = new int[10];
    for (byte label : test.labels()) {
      perClass[label]++;
    }
    for (int c = 0; c < 10; c++) {
      assertEquals(1000, perClass[c], FashionMnist.LABELS.get(c));
    }
    assertEquals(60_000, FashionMnist.train(dir).count());
  }

  @Test
  void plainAndGzippedFilesReadTheSame(@TempDir Path dir) throws IOException {
    byte[] pixels = new byte[3 * 2 * 4];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 11);
    }
    byte[] labels = {9, 0, 4};
    Path plain = Files.createDirectories(dir.resolve("plain"));
    Path gzipped = Files.createDirectories(dir.resolve("gzipped"));
    writeSplit(plain, "t10k", pixels, labels, 2, 4, false);
    writeSplit(gzipped, "t10k", pixels, labels, 2, 4, true);
    for (Path d : new Path[] {plain, gzipped}) {
      FashionMnist data = FashionMnist.test(d);
      assertEquals(3, data.count(), d.toString());
      assertEquals(2, data.rows());
      assertEquals(4, data.cols());
      assertEquals(8, data.pixelsPerImage());
      assertArrayEquals(pixels, data.pixels());
      assertArrayEquals(labels, data.labels());
      assertEquals(4, data.label(2));
      assertArrayEquals(new byte[] {88, 99, 110, 121, (byte) 132, (byte) 143, (byte) 154,
          (byte) 165}, data.image(1));
    }
  }

  @Test
  void pngHoldsTheImagesPixelsAsGrayscale(@TempDir Path dir) throws IOException {
    byte[] pixels = {0, 1, 2, 3, (byte) 200, (byte) 255, 7, 8, 9, 10, 11, 12};
    writeSplit(dir, "t10k", pixels, new byte[] {1, 2}, 2, 3, true);
    FashionMnist data = FashionMnist.test(dir);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(data.png(0)));
    assertEquals(BufferedImage.TYPE_BYTE_GRAY, decoded.getType());
    assertEquals(3, decoded.getWidth());
    assertEquals(2, decoded.getHeight());
    byte[] back = new byte[6];
    decoded.getRaster().getDataElements(0, 0, 3, 2, back);
    assertArrayEquals(data.image(0), back);
  }

  @Test
  void malformedFilesAreRefused(@TempDir Path dir) throws IOException {
    Path swapped = Files.createDirectories(dir.resolve("swapped"));
    writeSplit(swapped, "t10k", new byte[4], new byte[] {1}, 2, 2, false);
    Files.move(swapped.resolve("t10k-labels-idx1-ubyte"), swapped.resolve("x"));
    Files.move(swapped.resolve("t10k-images-idx3-ubyte"),
        swapped.resolve("t10k-labels-idx1-ubyte"));
    Files.move(swapped.resolve("x"), swapped.resolve("t10k-images-idx3-ubyte"));
    IOException magic = assertThrows(IOException.class, () -> FashionMnist.test(swapped));
    assertTrue(magic.getMessage().contains("bad IDX magic"), magic.getMessage());

    Path counts = Files.createDirectories(dir.resolve("counts"));
    writeSplit(counts, "t10k", new byte[8], new byte[] {1}, 2, 2, false);
    IOException count = assertThrows(IOException.class, () -> FashionMnist.test(counts));
    assertTrue(count.getMessage().contains("2 images but 1 labels"), count.getMessage());

    Path range = Files.createDirectories(dir.resolve("range"));
    writeSplit(range, "t10k", new byte[4], new byte[] {10}, 2, 2, false);
    IOException label = assertThrows(IOException.class, () -> FashionMnist.test(range));
    assertTrue(label.getMessage().contains("label out of range: 10"), label.getMessage());
  }

  @Test
  void missingFilesAreReportedWithTheDirectory(@TempDir Path empty) throws IOException {
    assertFalse(FashionMnist.isInstalled(empty));
    IOException e = assertThrows(IOException.class, () -> FashionMnist.test(empty));
    assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
    writeSplit(empty, "t10k", new byte[4], new byte[] {1}, 2, 2, true);
    assertFalse(FashionMnist.isInstalled(empty), "the training split is still missing");
    writeSplit(empty, "train", new byte[4], new byte[] {1}, 2, 2, false);
    assertTrue(FashionMnist.isInstalled(empty));
  }

  /**
   * IDX files as the data set ships them: magic, dimensions (big-endian ints), then the bytes.
   * The image count is that of {@code pixels / (rows * cols)}, independent of the labels, so
   * that mismatching files can be written too.
   */
  private static void writeSplit(Path dir, String prefix, byte[] pixels, byte[] labels,
      int rows, int cols, boolean gzip) throws IOException {
    ByteArrayOutputStream images = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(images)) {
      out.writeInt(0x00000803);
      out.writeInt(pixels.length / (rows * cols));
      out.writeInt(rows);
      out.writeInt(cols);
      out.write(pixels);
    }
    ByteArrayOutputStream labelBytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(labelBytes)) {
      out.writeInt(0x00000801);
      out.writeInt(labels.length);
      out.write(labels);
    }
    write(dir.resolve(prefix + "-images-idx3-ubyte" + (gzip ? ".gz" : "")), images, gzip);
    write(dir.resolve(prefix + "-labels-idx1-ubyte" + (gzip ? ".gz" : "")), labelBytes, gzip);
  }

  private static void write(Path file, ByteArrayOutputStream bytes, boolean gzip)
      throws IOException {
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
      bytes.writeTo(out);
    }
  }
}
