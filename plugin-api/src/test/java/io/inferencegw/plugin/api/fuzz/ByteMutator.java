package io.inferencegw.plugin.api.fuzz;

import java.util.Arrays;
import java.util.Random;

/**
 * Format-blind mutations of a byte string, the classic ones of mutation fuzzers: bit flips,
 * bytes and integers overwritten with boundary values, ranges inserted, deleted, duplicated or
 * copied elsewhere, truncation. Format-aware mutators use these for the parts they do not
 * understand, and {@link #putInt} to plant boundary values in the fields they do.
 */
public final class ByteMutator {

  /** Values at the edges of signed and unsigned 8-bit arithmetic, and common delimiters. */
  private static final int[] INTERESTING_BYTES = {
    0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE, 0x81, 0x10, 0x20, 0x40, '{', '}', '"', '[', ']', ',', ':'
  };

  /** Values at the edges of 16-, 32- and 64-bit arithmetic, signed and unsigned. */
  private static final long[] INTERESTING_INTS = {
    0, 1, 2, 3, 7, 8, 15, 16, 255, 256, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 65500, 65535,
    0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFFL, 0x100000000L, -1, Long.MAX_VALUE, Long.MIN_VALUE
  };

  private ByteMutator() {}

  /** A boundary value for an integer field. */
  public static long interestingInt(Random r) {
    return INTERESTING_INTS[r.nextInt(INTERESTING_INTS.length)];
  }

  /** {@code count} random mutations applied one after another. */
  public static byte[] mutate(byte[] data, Random r, int count) {
    for (int i = 0; i < count; i++) {
      data = mutate(data, r);
    }
    return data;
  }

  /** One random mutation; the input is not changed. */
  public static byte[] mutate(byte[] data, Random r) {
    if (data.length == 0) {
      return randomBytes(r, 1 + r.nextInt(16));
    }
    byte[] d = data.clone();
    int at = r.nextInt(d.length);
    switch (r.nextInt(10)) {
      case 0 -> d[at] ^= (byte) (1 << r.nextInt(8));
      case 1 -> d[at] = (byte) INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)];
      case 2 -> d[at] = (byte) r.nextInt(256);
      case 3 -> {
        int width = new int[] {2, 4, 8}[r.nextInt(3)];
        if (at + width <= d.length) {
          putInt(d, at, width, r.nextBoolean(), interestingInt(r) + r.nextInt(3) - 1);
        }
      }
      case 4 -> d = insert(d, at, randomBytes(r, 1 + r.nextInt(32)));
      case 5 -> d = delete(d, at, 1 + r.nextInt(Math.min(64, d.length - at)));
      case 6 -> {
        int length = 1 + r.nextInt(Math.min(256, d.length - at));
        d = insert(d, r.nextInt(d.length + 1), Arrays.copyOfRange(d, at, at + length));
      }
      case 7 -> {
        int length = 1 + r.nextInt(Math.min(64, d.length - at));
        int to = r.nextInt(d.length - length + 1);
        System.arraycopy(data, at, d, to, length);
      }
      case 8 -> d = Arrays.copyOf(d, r.nextInt(d.length));
      default -> {
        byte[] run = new byte[1 + r.nextInt(64)];
        Arrays.fill(run, (byte) INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)]);
        d = insert(d, at, run);
      }
    }
    return d;
  }

  /** Writes the low {@code width} bytes of {@code value} at {@code at}. */
  public static void putInt(byte[] d, int at, int width, boolean bigEndian, long value) {
    for (int i = 0; i < width; i++) {
      int shift = 8 * (bigEndian ? width - 1 - i : i);
      d[at + i] = (byte) (value >>> shift);
    }
  }

  public static byte[] insert(byte[] d, int at, byte[] bytes) {
    byte[] out = new byte[d.length + bytes.length];
    System.arraycopy(d, 0, out, 0, at);
    System.arraycopy(bytes, 0, out, at, bytes.length);
    System.arraycopy(d, at, out, at + bytes.length, d.length - at);
    return out;
  }

  public static byte[] delete(byte[] d, int at, int length) {
    byte[] out = new byte[d.length - length];
    System.arraycopy(d, 0, out, 0, at);
    System.arraycopy(d, at + length, out, at, d.length - at - length);
    return out;
  }

  public static byte[] randomBytes(Random r, int length) {
    byte[] b = new byte[length];
    r.nextBytes(b);
    return b;
  }
}
