package io.inferencegw.gateway.preprocess;

import io.inferencegw.plugin.api.fuzz.ByteMutator;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Format-aware mutations of PNG, JPEG and BMP files: they edit the fields decoders trust (PNG
 * chunk lengths, IHDR, CRCs, the compressed scanlines; JPEG frame and scan headers, segment
 * lengths, markers, ICC and Adobe segments; BMP header fields and embedded images), so that
 * inputs get past the first sanity check to the code behind it, which random bytes rarely do.
 */
final class EncodedImageMutator {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
  private static final long[] DIMENSIONS = {
    0, 1, 2, 7, 8, 63, 64, 65, 4096, 4097, 65500, 65535, 65536, 0x7FFFFFFFL, 0x80000000L,
    0xFFFFFFFFL
  };

  private EncodedImageMutator() {}

  private static long dimension(Random r) {
    return DIMENSIONS[r.nextInt(DIMENSIONS.length)];
  }

  private static int pick(Random r, int... values) {
    return values[r.nextInt(values.length)];
  }

  // ---------------------------------------------------------------- PNG

  private record Chunk(String type, byte[] data) {}

  static byte[] png(byte[] seed, Random r, List<byte[]> embeddable) {
    List<Chunk> chunks = chunks(seed);
    for (int i = 1 + r.nextInt(2); i > 0; i--) {
      mutateChunks(chunks, r);
    }
    int lengthLie = r.nextInt(8) == 0 ? r.nextInt(chunks.size()) : -1;
    int crcLie = r.nextInt(8) == 0 ? r.nextInt(chunks.size()) : -1;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(PNG_SIGNATURE);
    for (int i = 0; i < chunks.size(); i++) {
      Chunk c = chunks.get(i);
      byte[] bytes = chunk(c.type, c.data);
      if (i == lengthLie) {
        long lie = r.nextBoolean()
            ? ByteMutator.interestingInt(r) : c.data.length + r.nextInt(9) - 4;
        ByteMutator.putInt(bytes, 0, 4, true, lie);
      }
      if (i == crcLie) {
        bytes[bytes.length - 1 - r.nextInt(4)] ^= (byte) (1 + r.nextInt(255));
      }
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  private static List<Chunk> chunks(byte[] png) {
    List<Chunk> chunks = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(png);
    b.position(PNG_SIGNATURE.length);
    while (b.remaining() >= 12) {
      int length = b.getInt();
      byte[] type = new byte[4];
      b.get(type);
      byte[] data = new byte[length];
      b.get(data);
      b.getInt();
      chunks.add(new Chunk(new String(type, StandardCharsets.ISO_8859_1), data));
    }
    return chunks;
  }

  static byte[] chunk(String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    return ByteBuffer.allocate(12 + data.length)
        .putInt(data.length).put(typeBytes).put(data).putInt((int) crc.getValue())
        .array();
  }

  private static void mutateChunks(List<Chunk> chunks, Random r) {
    int i = r.nextInt(chunks.size());
    Chunk c = chunks.get(i);
    switch (r.nextInt(10)) {
      case 0, 1 -> {
        byte[] ihdr = chunks.get(0).data.clone();
        if (ihdr.length == 13) {
          switch (r.nextInt(5)) {
            case 0 -> ByteMutator.putInt(ihdr, 0, 4, true, dimension(r));
            case 1 -> ByteMutator.putInt(ihdr, 4, 4, true, dimension(r));
            case 2 -> ihdr[8] = (byte) pick(r, 0, 1, 2, 3, 4, 8, 16, 32, 255);
            case 3 -> ihdr[9] = (byte) pick(r, 0, 1, 2, 3, 4, 5, 6, 7, 8, 255);
            default -> ihdr[10 + r.nextInt(3)] = (byte) pick(r, 0, 1, 2, 255);
          }
          chunks.set(0, new Chunk("IHDR", ihdr));
        }
      }
      case 2 -> mutateImageData(chunks, r);
      case 3 -> chunks.remove(i);
      case 4 -> chunks.add(r.nextInt(chunks.size() + 1), c);
      case 5 -> {
        int j = r.nextInt(chunks.size());
        chunks.set(i, chunks.get(j));
        chunks.set(j, c);
      }
      case 6, 7 -> chunks.add(r.nextInt(chunks.size() + 1), extraChunk(r));
      case 8 -> chunks.set(i, new Chunk(c.type, ByteMutator.mutate(c.data, r, 1 + r.nextInt(3))));
      default -> splitImageData(chunks, r);
    }
  }

  private static Chunk extraChunk(Random r) {
    return switch (r.nextInt(12)) {
      case 0 -> new Chunk("PLTE", ByteMutator.randomBytes(r, pick(r, 0, 3, 4, 48, 768, 771)));
      case 1 -> new Chunk("tRNS", ByteMutator.randomBytes(r, r.nextInt(300)));
      case 2 -> new Chunk("iCCP", concat(latin1("icc\0\0"), r.nextBoolean()
          ? deflate(iccProfile(r)) : ByteMutator.randomBytes(r, r.nextInt(200))));
      case 3 -> new Chunk("zTXt", concat(latin1("k\0\0"), deflate(new byte[r.nextInt(100000)])));
      case 4 -> new Chunk("iTXt", concat(latin1("k\0\1\0en\0k\0"), deflate(new byte[50000])));
      case 5 -> new Chunk("tEXt", latin1("Comment\0" + "x".repeat(r.nextInt(500))));
      case 6 -> new Chunk("gAMA", ByteMutator.randomBytes(r, pick(r, 0, 4, 5)));
      case 7 -> new Chunk("sBIT", ByteMutator.randomBytes(r, pick(r, 0, 1, 3, 4, 9)));
      case 8 -> new Chunk("bKGD", ByteMutator.randomBytes(r, pick(r, 0, 1, 2, 6, 7)));
      case 9 -> new Chunk("sPLT", concat(latin1("p\0"), ByteMutator.randomBytes(r, r.nextInt(64))));
      case 10 -> new Chunk(r.nextBoolean() ? "abCd" : "ABCD", ByteMutator.randomBytes(r, 16));
      default -> new Chunk(r.nextBoolean() ? "IEND" : "IDAT", new byte[0]);
    };
  }

  /** Inflates the scanlines, edits them (filters, length), and compresses them again. */
  private static void mutateImageData(List<Chunk> chunks, Random r) {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    int first = -1;
    for (int i = 0; i < chunks.size(); i++) {
      if (chunks.get(i).type.equals("IDAT")) {
        first = first < 0 ? i : first;
        compressed.writeBytes(chunks.get(i).data);
      }
    }
    if (first < 0) {
      return;
    }
    byte[] raw = inflate(compressed.toByteArray());
    if (raw == null || raw.length == 0) {
      return;
    }
    switch (r.nextInt(4)) {
      case 0 -> raw[r.nextInt(raw.length)] = (byte) pick(r, 0, 1, 2, 3, 4, 5, 255);
      case 1 -> raw = Arrays.copyOf(raw, r.nextInt(raw.length));
      case 2 -> raw = Arrays.copyOf(
          raw, raw.length + 1 + r.nextInt(r.nextBoolean() ? 64 : 1 << 20));
      default -> raw = ByteMutator.mutate(raw, r, 1 + r.nextInt(4));
    }
    chunks.removeIf(c -> c.type.equals("IDAT"));
    chunks.add(Math.min(first, chunks.size()), new Chunk("IDAT", deflate(raw)));
  }

  private static void splitImageData(List<Chunk> chunks, Random r) {
    for (int i = 0; i < chunks.size(); i++) {
      Chunk c = chunks.get(i);
      if (c.type.equals("IDAT") && c.data.length > 1) {
        int cut = 1 + r.nextInt(c.data.length - 1);
        chunks.set(i, new Chunk("IDAT", Arrays.copyOf(c.data, cut)));
        chunks.add(i + 1, new Chunk("IDAT", Arrays.copyOfRange(c.data, cut, c.data.length)));
        return;
      }
    }
  }

  // ---------------------------------------------------------------- JPEG

  private record Segment(int marker, byte[] payload) {}

  /** Segments from SOI up to and including SOS, then the entropy-coded rest as it is. */
  private record Jpeg(List<Segment> segments, byte[] scan) {}

  static byte[] jpeg(byte[] seed, Random r, List<byte[]> embeddable) {
    Jpeg jpeg = parseJpeg(seed);
    if (jpeg == null) {
      return ByteMutator.mutate(seed, r);
    }
    List<Segment> segments = jpeg.segments;
    byte[] scan = jpeg.scan;
    for (int i = 1 + r.nextInt(2); i > 0; i--) {
      int k = r.nextInt(segments.size());
      Segment s = segments.get(k);
      switch (r.nextInt(11)) {
        case 0, 1 -> mutateFrameHeader(segments, r);
        case 2 -> mutateScanHeader(segments, r);
        case 3 -> segments.remove(k);
        case 4 -> segments.add(r.nextInt(segments.size() + 1), s);
        case 5, 6 -> segments.add(r.nextInt(segments.size()), extraSegment(r));
        case 7 -> segments.set(k, new Segment(s.marker, ByteMutator.mutate(s.payload, r)));
        case 8 -> scan = ByteMutator.mutate(scan, r, 1 + r.nextInt(3));
        case 9 -> scan = ByteMutator.insert(scan, r.nextInt(scan.length + 1), new byte[] {
            (byte) 0xFF, (byte) pick(r, 0xD0, 0xD3, 0xD7, 0xD9, 0xC4, 0xDA, 0xFF, 0x00)});
        default -> {
          for (int j = 0; j < segments.size(); j++) {
            if (isFrame(segments.get(j).marker)) {
              segments.set(j, new Segment(pick(r, 0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9,
                  0xCA, 0xCB, 0xCD, 0xCE, 0xCF), segments.get(j).payload));
            }
          }
        }
      }
    }
    int lengthLie = r.nextInt(8) == 0 ? r.nextInt(segments.size()) : -1;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xFF);
    out.write(0xD8);
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      byte[] head = {(byte) 0xFF, (byte) s.marker, 0, 0};
      long length = i == lengthLie
          ? (r.nextBoolean()
              ? ByteMutator.interestingInt(r) : s.payload.length + 2 + r.nextInt(9) - 4)
          : s.payload.length + 2;
      ByteMutator.putInt(head, 2, 2, true, length);
      out.writeBytes(head);
      out.writeBytes(s.payload);
    }
    out.writeBytes(scan);
    return out.toByteArray();
  }

  private static Jpeg parseJpeg(byte[] d) {
    List<Segment> segments = new ArrayList<>();
    int i = 2;
    while (i + 4 <= d.length && (d[i] & 0xFF) == 0xFF) {
      int marker = d[i + 1] & 0xFF;
      int length = (d[i + 2] & 0xFF) << 8 | (d[i + 3] & 0xFF);
      if (length < 2 || i + 2 + length > d.length) {
        return null;
      }
      segments.add(new Segment(marker, Arrays.copyOfRange(d, i + 4, i + 2 + length)));
      i += 2 + length;
      if (marker == 0xDA) {
        return new Jpeg(segments, Arrays.copyOfRange(d, i, d.length));
      }
    }
    return null;
  }

  private static boolean isFrame(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  /** SOF: precision, height, width, component count, then (id, sampling, table) triples. */
  private static void mutateFrameHeader(List<Segment> segments, Random r) {
    for (int j = 0; j < segments.size(); j++) {
      Segment s = segments.get(j);
      if (!isFrame(s.marker) || s.payload.length < 6) {
        continue;
      }
      byte[] p = s.payload.clone();
      switch (r.nextInt(5)) {
        case 0 -> p[0] = (byte) pick(r, 0, 1, 8, 12, 16, 255);
        case 1 -> ByteMutator.putInt(p, 1, 2, true, dimension(r));
        case 2 -> ByteMutator.putInt(p, 3, 2, true, dimension(r));
        case 3 -> p[5] = (byte) pick(r, 0, 1, 2, 3, 4, 5, 255);
        default -> {
          if (p.length > 6) {
            int at = 6 + r.nextInt(p.length - 6);
            p[at] = (byte) pick(r, 0, 1, 2, 3, 4, 0x11, 0x12, 0x21, 0x22, 0x44, 0x0F, 0xF0, 0xFF);
          }
        }
      }
      segments.set(j, new Segment(s.marker, p));
      return;
    }
  }

  /** SOS: component count, (selector, tables) pairs, spectral selection, approximation. */
  private static void mutateScanHeader(List<Segment> segments, Random r) {
    Segment s = segments.get(segments.size() - 1);
    if (s.marker != 0xDA || s.payload.length < 1) {
      return;
    }
    byte[] p = s.payload.clone();
    int at = r.nextInt(p.length);
    p[at] = (byte) pick(r, 0, 1, 2, 3, 4, 0x3F, 0x40, 0x11, 0xFF, 0x0F);
    segments.set(segments.size() - 1, new Segment(s.marker, p));
  }

  private static Segment extraSegment(Random r) {
    return switch (r.nextInt(9)) {
      case 0, 1 -> {
        byte[] icc = iccProfile(r);
        int chunks = pick(r, 1, 2, 0, 255);
        byte[] head = concat(latin1("ICC_PROFILE\0"), new byte[] {
            (byte) pick(r, 1, 0, 2, 255), (byte) chunks});
        yield new Segment(0xE2, concat(head, Arrays.copyOf(icc, Math.min(icc.length, 65000))));
      }
      case 2 -> new Segment(0xEE, concat(latin1("Adobe"), new byte[] {
          0, 100, 0, 0, 0, 0, (byte) pick(r, 0, 1, 2, 3, 255)}));
      case 3 -> new Segment(0xE0, concat(latin1("JFIF\0"), new byte[] {
          1, 2, 0, 0, 1, 0, 1, (byte) r.nextInt(4), (byte) r.nextInt(4)}));
      case 4 -> new Segment(0xDD, new byte[] {0, (byte) pick(r, 0, 1, 2, 255)});
      case 5 -> new Segment(0xDB, ByteMutator.randomBytes(r, pick(r, 0, 1, 65, 130, 129)));
      case 6 -> new Segment(0xC4, ByteMutator.randomBytes(r, pick(r, 0, 17, 40, 200)));
      case 7 -> new Segment(0xE1, concat(latin1("Exif\0\0"), ByteMutator.randomBytes(r, 64)));
      default -> new Segment(0xFE, latin1("comment"));
    };
  }

  // ---------------------------------------------------------------- BMP

  static byte[] bmp(byte[] seed, Random r, List<byte[]> embeddable) {
    byte[] d = seed.clone();
    for (int i = 1 + r.nextInt(2); i > 0; i--) {
      switch (r.nextInt(12)) {
        case 0 -> ByteMutator.putInt(d, 2, 4, false, ByteMutator.interestingInt(r));
        case 1 -> ByteMutator.putInt(d, 10, 4, false,
            r.nextBoolean() ? ByteMutator.interestingInt(r) : pick(r, 0, 14, 26, 54, 1078, 122));
        case 2 -> ByteMutator.putInt(d, 14, 4, false,
            pick(r, 0, 12, 16, 40, 52, 56, 64, 108, 124, 125, 255, 0x7FFFFFFF));
        case 3 -> ByteMutator.putInt(d, 18, 4, false, signedDimension(r));
        case 4 -> ByteMutator.putInt(d, 22, 4, false, signedDimension(r));
        case 5 -> ByteMutator.putInt(d, 26, 2, false, pick(r, 0, 1, 2, 0xFFFF));
        case 6 -> ByteMutator.putInt(d, 28, 2, false, pick(r, 0, 1, 2, 3, 4, 8, 16, 24, 32, 48,
            64, 255));
        case 7 -> ByteMutator.putInt(d, 30, 4, false, pick(r, 0, 1, 2, 3, 4, 5, 6, 11, 12, 13,
            255));
        case 8 -> ByteMutator.putInt(d, 34, 4, false, ByteMutator.interestingInt(r));
        case 9 -> ByteMutator.putInt(d, 46 + 4 * r.nextInt(2), 4, false,
            ByteMutator.interestingInt(r));
        case 10 -> d = embedded(d, r, embeddable);
        default -> d = ByteMutator.mutate(d, r);
      }
      if (d.length < 54) {
        break;
      }
    }
    return d;
  }

  private static long signedDimension(Random r) {
    long v = dimension(r);
    return r.nextBoolean() ? -v : v;
  }

  /** A BI_JPEG or BI_PNG bitmap: the pixel data is a whole JPEG or PNG file. */
  private static byte[] embedded(byte[] bmp, Random r, List<byte[]> embeddable) {
    byte[] inner = embeddable.get(r.nextInt(embeddable.size()));
    boolean png = inner[0] == (byte) 0x89;
    if (r.nextBoolean()) {
      inner = png ? png(inner, r, List.of()) : jpeg(inner, r, List.of());
    }
    int offset = (int) (bmp[10] & 0xFF | (bmp[11] & 0xFF) << 8);
    if (offset <= 34 || offset > bmp.length) {
      return bmp;
    }
    byte[] d = concat(Arrays.copyOf(bmp, offset), inner);
    ByteMutator.putInt(d, 30, 4, false, png ? 5 : 4);
    ByteMutator.putInt(d, 34, 4, false,
        r.nextInt(4) == 0 ? ByteMutator.interestingInt(r) : inner.length);
    return d;
  }

  // ---------------------------------------------------------------- helpers

  private static byte[] iccProfile(Random r) {
    byte[] srgb = ICC_Profile.getInstance(
        r.nextBoolean() ? ColorSpace.CS_sRGB : ColorSpace.CS_GRAY).getData();
    return r.nextBoolean() ? srgb : ByteMutator.mutate(srgb, r, 1 + r.nextInt(4));
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] deflate(byte[] raw) {
    Deflater deflater = new Deflater();
    try {
      deflater.setInput(raw);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  /** The inflated bytes, or null when the data is not a complete zlib stream. */
  private static byte[] inflate(byte[] compressed) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(compressed);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          return null;
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      return null;
    } finally {
      inflater.end();
    }
  }
}
