package io.inferencegw.gateway.preprocess;

import java.util.Optional;

/**
 * What a JPEG's marker segments say about it, from one pass over the bytes without a decoder:
 * the frame (size, sample precision, component count), how many scans it has, and whether its
 * end-of-image marker is there.
 *
 * <p>The scaled decoder needs this before it hands bytes to a native library: libjpeg does not
 * fail on a file cut short (it warns and fills the missing rows with gray), so a truncated file
 * has to be recognised here; and a component count other than 1 or 3 (CMYK, YCCK) or a
 * precision other than 8 bits is left to the exact decoder, which converts those the way the
 * rest of the gateway expects.
 *
 * <p>Only the plain layout is recognised: segments one after another, entropy-coded data with
 * only stuffed bytes and restart markers inside. Anything else (bytes between segments, a
 * second frame or start-of-image) yields no layout, and the caller takes the exact decoder,
 * whose handling of such files is the reference.
 *
 * @param width declared width
 * @param height declared height
 * @param precision bits per sample
 * @param components colour components of the frame
 * @param scans start-of-scan segments seen
 * @param complete whether the end-of-image marker was reached within the bytes
 */
record JpegLayout(
    long width, long height, int precision, int components, int scans, boolean complete) {

  private static final int SOI = 0xD8;
  private static final int EOI = 0xD9;
  private static final int SOS = 0xDA;

  /** The layout of {@code d} (which starts with a JPEG signature), if it is a plain one. */
  static Optional<JpegLayout> read(byte[] d) {
    Frame frame = null;
    int scans = 0;
    int i = 2;
    while (true) {
      if (i >= d.length) {
        return incomplete(frame, scans);
      }
      if ((d[i] & 0xFF) != 0xFF) {
        return Optional.empty();
      }
      while (i + 1 < d.length && (d[i + 1] & 0xFF) == 0xFF) {
        i++; // fill bytes before a marker
      }
      if (i + 1 >= d.length) {
        return incomplete(frame, scans);
      }
      int marker = d[i + 1] & 0xFF;
      if (marker == EOI) {
        return frame == null ? Optional.empty() : Optional.of(frame.layout(scans, true));
      }
      if (marker == SOI || marker == 0x00) {
        return Optional.empty();
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2; // stand-alone markers carry no length
        continue;
      }
      if (i + 3 >= d.length) {
        return incomplete(frame, scans);
      }
      int length = (d[i + 2] & 0xFF) << 8 | (d[i + 3] & 0xFF);
      if (length < 2) {
        return Optional.empty();
      }
      long segmentEnd = (long) i + 2 + length;
      if (segmentEnd > d.length) {
        return incomplete(frame, scans);
      }
      if (isStartOfFrame(marker)) {
        if (frame != null || length < 8) {
          return Optional.empty();
        }
        frame = new Frame(
            (d[i + 7] & 0xFF) << 8 | (d[i + 8] & 0xFF),
            (d[i + 5] & 0xFF) << 8 | (d[i + 6] & 0xFF),
            d[i + 4] & 0xFF,
            d[i + 9] & 0xFF);
      }
      i = (int) segmentEnd;
      if (marker == SOS) {
        if (frame == null) {
          return Optional.empty();
        }
        scans++;
        i = endOfEntropyData(d, i);
        if (i < 0) {
          return incomplete(frame, scans);
        }
      }
    }
  }

  /**
   * Where the entropy-coded data starting at {@code i} ends: at the first marker that is not a
   * stuffed zero byte or a restart marker. -1 when the data runs out first.
   */
  private static int endOfEntropyData(byte[] d, int i) {
    int last = d.length - 1;
    while (i < last) {
      if (d[i] != (byte) 0xFF) {
        i++;
        continue;
      }
      int next = d[i + 1] & 0xFF;
      if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
        i += 2;
      } else if (next == 0xFF) {
        i++;
      } else {
        return i;
      }
    }
    return -1;
  }

  /** SOF0-SOF15, less DHT (C4), JPG (C8) and DAC (CC), which share the range. */
  private static boolean isStartOfFrame(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  private static Optional<JpegLayout> incomplete(Frame frame, int scans) {
    return frame == null ? Optional.empty() : Optional.of(frame.layout(scans, false));
  }

  private record Frame(long width, long height, int precision, int components) {
    JpegLayout layout(int scans, boolean complete) {
      return new JpegLayout(width, height, precision, components, scans, complete);
    }
  }
}
