package io.inferencegw.gateway.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/**
 * The Fashion-MNIST test set as Debian's {@code dataset-fashion-mnist} installs it (IDX files,
 * gzipped): real client images for the load generator and the end-to-end tests.
 */
public record FashionMnist(int count, int rows, int cols, byte[] pixels, byte[] labels) {

  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  public static boolean isInstalled() {
    return Files.isRegularFile(DEFAULT_DIR.resolve("t10k-images-idx3-ubyte.gz"));
  }

  /** The 10,000 test images and their labels. */
  public static FashionMnist testSet() throws IOException {
    return read(
        DEFAULT_DIR.resolve("t10k-images-idx3-ubyte.gz"),
        DEFAULT_DIR.resolve("t10k-labels-idx1-ubyte.gz"));
  }

  static FashionMnist read(Path images, Path labels) throws IOException {
    try (DataInputStream in = open(images)) {
      expectMagic(in, 0x00000803, images);
      int n = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      byte[] pixels = in.readNBytes(n * rows * cols);
      try (DataInputStream lin = open(labels)) {
        expectMagic(lin, 0x00000801, labels);
        int ln = lin.readInt();
        if (ln != n) {
          throw new IOException(labels + " has " + ln + " labels for " + n + " images");
        }
        return new FashionMnist(n, rows, cols, pixels, lin.readNBytes(n));
      }
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw = Files.newInputStream(file);
    return new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw);
  }

  private static void expectMagic(DataInputStream in, int magic, Path file) throws IOException {
    int m = in.readInt();
    if (m != magic) {
      throw new IOException(file + " is not an IDX file of the expected kind (magic " + m + ")");
    }
  }

  public int label(int i) {
    return labels[i];
  }

  /** Row-major grayscale pixels of image {@code i}. */
  public byte[] image(int i) {
    byte[] out = new byte[rows * cols];
    System.arraycopy(pixels, i * rows * cols, out, 0, out.length);
    return out;
  }

  /** Image {@code i} encoded as a grayscale PNG, as a client would send it. */
  public byte[] png(int i) {
    BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setDataElements(0, 0, cols, rows, image(i));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
