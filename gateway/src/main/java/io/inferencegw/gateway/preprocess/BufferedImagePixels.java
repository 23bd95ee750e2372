package io.inferencegw.gateway.preprocess;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Copies the samples of a decoded {@link BufferedImage} into a {@link DecodedImage}, with PIL's
 * idea of what the pixels are rather than Java2D's.
 *
 * <p>{@code BufferedImage.getRGB} is deliberately not the main path: it colour-manages (a
 * {@code CS_GRAY} image comes back gamma-shifted, an embedded ICC profile changes RGB values),
 * whereas PIL, and therefore every torchvision-trained network, sees the file's samples as they
 * are. So samples are read from the raster: gray stays one channel, RGB three, alpha is
 * dropped, a palette is expanded, and samples wider than 8 bits keep their high byte (as PIL
 * does for 16-bit RGB PNGs). Only colour spaces that are neither gray nor RGB (CMYK, YCCK
 * after the reader) fall back to {@code getRGB}, which is then the right conversion.
 */
final class BufferedImagePixels {

  private BufferedImagePixels() {}

  /** The image with 1 channel if its colour space is gray, else 3; never alpha. */
  static DecodedImage copyOf(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    if (cm instanceof IndexColorModel icm) {
      return fromPalette(icm, raster);
    }
    int csType = cm.getColorSpace().getType();
    if (csType == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1) {
      return fromBands(cm, raster, 1);
    }
    if (csType == ColorSpace.TYPE_RGB && cm.getNumColorComponents() == 3) {
      return fromBands(cm, raster, 3);
    }
    return viaGetRgb(image);
  }

  /** Gray or RGB samples: bands 0..channels-1 of the raster; an alpha band comes after them. */
  private static DecodedImage fromBands(ColorModel cm, Raster raster, int channels) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), channels)];
    if (copyInterleavedBytes(cm, raster, channels, out)) {
      return new DecodedImage(w, h, channels, out);
    }
    int[] row = new int[w];
    for (int band = 0; band < channels; band++) {
      int bits = cm.getComponentSize(band);
      for (int y = 0; y < h; y++) {
        raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, band, row);
        int o = y * w * channels + band;
        for (int x = 0; x < w; x++, o += channels) {
          out[o] = (byte) to8Bits(row[x], bits);
        }
      }
    }
    return new DecodedImage(w, h, channels, out);
  }

  /**
   * The fast path for what the JDK readers produce for almost every JPEG, PNG and BMP: 8-bit
   * samples interleaved in one byte array ({@code TYPE_3BYTE_BGR}, {@code TYPE_BYTE_GRAY},
   * {@code TYPE_4BYTE_ABGR}, PNG's RGB/RGBA/gray-alpha layouts). Returns false when the raster
   * is laid out any other way.
   */
  private static boolean copyInterleavedBytes(
      ColorModel cm, Raster raster, int channels, byte[] out) {
    DataBuffer buffer = raster.getDataBuffer();
    if (!(buffer instanceof DataBufferByte bytes)
        || bytes.getNumBanks() != 1
        || !(raster.getSampleModel() instanceof ComponentSampleModel sm)
        || raster.getSampleModelTranslateX() != 0
        || raster.getSampleModelTranslateY() != 0) {
      return false;
    }
    int[] bandOffsets = sm.getBandOffsets();
    int[] banks = sm.getBankIndices();
    for (int band = 0; band < channels; band++) {
      if (cm.getComponentSize(band) != 8 || banks[band] != 0) {
        return false;
      }
    }
    byte[] data = bytes.getData();
    int w = raster.getWidth();
    int h = raster.getHeight();
    int base = bytes.getOffset();
    int pixelStride = sm.getPixelStride();
    int scanline = sm.getScanlineStride();
    int rowBytes = w * channels;
    boolean sameLayout = pixelStride == channels
        && bandOffsets[0] == 0
        && (channels == 1 || (bandOffsets[1] == 1 && bandOffsets[2] == 2));
    if (sameLayout) {
      for (int y = 0; y < h; y++) {
        System.arraycopy(data, base + y * scanline, out, y * rowBytes, rowBytes);
      }
      return true;
    }
    if (channels == 1) {
      int b0 = bandOffsets[0];
      for (int y = 0; y < h; y++) {
        int p = base + y * scanline + b0;
        int o = y * rowBytes;
        for (int x = 0; x < w; x++, p += pixelStride) {
          out[o++] = data[p];
        }
      }
      return true;
    }
    int r = bandOffsets[0];
    int g = bandOffsets[1];
    int b = bandOffsets[2];
    for (int y = 0; y < h; y++) {
      int p = base + y * scanline;
      int o = y * rowBytes;
      for (int x = 0; x < w; x++, p += pixelStride) {
        out[o++] = data[p + r];
        out[o++] = data[p + g];
        out[o++] = data[p + b];
      }
    }
    return true;
  }

  /**
   * Palette images (PNG colour type 3, 1-8 bit BMPs, and the JDK's representation of 1/2/4-bit
   * gray PNGs): expanded to RGB, or kept as one channel when every palette entry is gray, which
   * gives the same values PIL's {@code convert("L")} would.
   */
  private static DecodedImage fromPalette(IndexColorModel icm, Raster raster) {
    int size = icm.getMapSize();
    byte[] reds = new byte[size];
    byte[] greens = new byte[size];
    byte[] blues = new byte[size];
    icm.getReds(reds);
    icm.getGreens(greens);
    icm.getBlues(blues);
    boolean gray = true;
    for (int i = 0; i < size && gray; i++) {
      gray = reds[i] == greens[i] && greens[i] == blues[i];
    }
    int w = raster.getWidth();
    int h = raster.getHeight();
    int channels = gray ? 1 : 3;
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), channels)];
    int[] row = new int[w];
    int o = 0;
    for (int y = 0; y < h; y++) {
      raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        // An index past the palette (possible only in a malformed file) reads as black.
        int index = row[x] < size ? row[x] : -1;
        if (gray) {
          out[o++] = index < 0 ? 0 : reds[index];
        } else {
          out[o++] = index < 0 ? 0 : reds[index];
          out[o++] = index < 0 ? 0 : greens[index];
          out[o++] = index < 0 ? 0 : blues[index];
        }
      }
    }
    return new DecodedImage(w, h, channels, out);
  }

  /** Colour spaces other than gray and RGB: let Java2D convert to sRGB. */
  private static DecodedImage viaGetRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
    int[] row = new int[w];
    int o = 0;
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int argb = row[x];
        out[o++] = (byte) (argb >>> 16);
        out[o++] = (byte) (argb >>> 8);
        out[o++] = (byte) argb;
      }
    }
    return new DecodedImage(w, h, 3, out);
  }

  /**
   * A sample of {@code bits} bits as 8 bits: high byte when wider, stretched when narrower.
   * A component of 0 bits (a BMP whose colour mask for it is 0) holds no information and reads
   * as 0.
   */
  static int to8Bits(int sample, int bits) {
    if (bits == 0) {
      return 0;
    }
    if (bits == 8) {
      return sample & 0xFF;
    }
    if (bits > 8) {
      return (sample >>> (bits - 8)) & 0xFF;
    }
    return sample * 255 / ((1 << bits) - 1);
  }
}
