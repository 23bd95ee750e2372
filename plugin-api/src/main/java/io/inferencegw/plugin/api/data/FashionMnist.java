package io.inferencegw.plugin.api.data;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/**
 * Fashion-MNIST as Debian's {@code dataset-fashion-mnist} installs it: IDX files, gzipped (plain
 * ones are read too), under {@code /usr/share/datasets/fashion-mnist}. The one reader of the
 * project: the LeNet plugin's training tool reads both splits, the gateway's load generators and
 * end-to-end tests send the test images as clients would. Pixels are kept as unsigned bytes.
 *
 * @param pixels {@code count * rows * cols} grayscale bytes, image after image, row-major
 * @param labels class index 0..9 per image (see {@link #LABELS})
 */
public record FashionMnist(byte[] pixels, byte[] labels, int count, int rows, int cols) {

  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** Class names in label order. */
  public static final List<String> LABELS =
      List.of(
          "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int LABELS_MAGIC = 0x00000801;

  /**
   * The directory named by {@code -Dfashion.mnist.dir} or {@code FASHION_MNIST_DIR}, else
   * Debian's.
   */
  public static Path defaultDir() {
    String dir = System.getProperty("fashion.mnist.dir", System.getenv("FASHION_MNIST_DIR"));
    return dir == null || dir.isBlank() ? DEFAULT_DIR : Path.of(dir);
  }

  /** Whether {@code dir} holds both splits. */
  public static boolean isInstalled(Path dir) {
    for (String prefix : List.of("train", "t10k")) {
      if (find(dir, prefix + "-images-idx3-ubyte") == null
          || find(dir, prefix + "-labels-idx1-ubyte") == null) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@link #defaultDir()} holds both splits. */
  public static boolean isInstalled() {
    return isInstalled(defaultDir());
  }

  public static FashionMnist train(Path dir) throws IOException {
    return load(dir, "train");
  }

  public static FashionMnist test(Path dir) throws IOException {
    return load(dir, "t10k");
  }

  /** The 10,000 test images and their labels, from {@link #defaultDir()}. */
  public static FashionMnist testSet() throws IOException {
    return test(defaultDir());
  }

  private static FashionMnist load(Path dir, String prefix) throws IOException {
    int count;
    int rows;
    int cols;
    byte[] pixels;
    try (DataInputStream in = open(dir, prefix + "-images-idx3-ubyte")) {
      expect(in.readInt(), IMAGES_MAGIC, prefix + " images");
      count = in.readInt();
      rows = in.readInt();
      cols = in.readInt();
      pixels = new byte[Math.multiplyExact(count, Math.multiplyExact(rows, cols))];
      in.readFully(pixels);
    }
    byte[] labels;
    try (DataInputStream in = open(dir, prefix + "-labels-idx1-ubyte")) {
      expect(in.readInt(), LABELS_MAGIC, prefix + " labels");
      int n = in.readInt();
      if (n != count) {
        throw new IOException(prefix + ": " + count + " images but " + n + " labels");
      }
      labels = new byte[n];
      in.readFully(labels);
    }
    for (byte label : labels) {
      if (label < 0 || label >= LABELS.size()) {
        throw new IOException(prefix + ": label out of range: " + label);
      }
    }
    return new FashionMnist(pixels, labels, count, rows, cols);
  }

  private static void expect(int magic, int wanted, String what) throws IOException {
    if (magic != wanted) {
      throw new IOException(what + ": bad IDX magic 0x" + Integer.toHexString(magic));
    }
  }

  private static Path find(Path dir, String name) {
    for (Path p : List.of(dir.resolve(name + ".gz"), dir.resolve(name))) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private static DataInputStream open(Path dir, String name) throws IOException {
    Path file = find(dir, name);
    if (file == null) {
      throw new IOException("Fashion-MNIST file " + name + "[.gz] not found in " + dir
          + " (install Debian's dataset-fashion-mnist or set -Dfashion.mnist.dir)");
    }
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    return new DataInputStream(
        file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw);
  }

  public int pixelsPerImage() {
    return rows * cols;
  }

  public int label(int i) {
    return labels[i];
  }

  /** Row-major grayscale pixels of image {@code i}. */
  public byte[] image(int i) {
    byte[] out = new byte[pixelsPerImage()];
    System.arraycopy(pixels, i * pixelsPerImage(), out, 0, out.length);
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
