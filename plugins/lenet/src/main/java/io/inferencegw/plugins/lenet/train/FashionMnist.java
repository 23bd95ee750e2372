package io.inferencegw.plugins.lenet.train;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST as shipped by Debian's {@code dataset-fashion-mnist}: IDX files, gzipped, under
 * {@code /usr/share/datasets/fashion-mnist}. Pixels are kept as unsigned bytes; {@link
 * Batches} normalizes them when it builds tensors.
 *
 * @param pixels {@code count * 28 * 28} grayscale bytes, row-major
 * @param labels class index 0..9 per image
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

  /** The directory named by {@code -Dfashion.mnist.dir} or {@code FASHION_MNIST_DIR}, else Debian's. */
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

  public static FashionMnist train(Path dir) throws IOException {
    return load(dir, "train");
  }

  public static FashionMnist test(Path dir) throws IOException {
    return load(dir, "t10k");
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
      pixels = new byte[Math.multiplyExact(count, rows * cols)];
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
}
