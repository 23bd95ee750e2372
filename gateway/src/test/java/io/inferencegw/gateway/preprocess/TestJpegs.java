package io.inferencegw.gateway.preprocess;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** JPEG files for the scaled-decoding tests, written by the JDK's encoder. */
final class TestJpegs {

  private TestJpegs() {}

  /** Smooth RGB content (compresses like a photograph's sky and skin) at quality 0.9. */
  static byte[] smooth(int width, int height) {
    return write(TestImages.rgbImage(width, height, TestImages.smoothPixels(width, height)), false);
  }

  /** The same content, 8-bit gray: a 1-component JPEG. */
  static byte[] smoothGray(int width, int height) {
    DecodedImage rgb = new DecodedImage(width, height, 3, TestImages.smoothPixels(width, height));
    byte[] gray = rgb.toChannels(1).pixels();
    return write(TestImages.grayImage(width, height, gray), false);
  }

  /** Smooth content written progressively (several scans). */
  static byte[] smoothProgressive(int width, int height) {
    return write(TestImages.rgbImage(width, height, TestImages.smoothPixels(width, height)), true);
  }

  static byte[] write(BufferedImage image, boolean progressive) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    if (progressive) {
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** Offset of the first occurrence of the marker {@code 0xFF marker}. */
  static int marker(byte[] jpeg, int marker) {
    for (int i = 2; i + 1 < jpeg.length; i++) {
      if (jpeg[i] == (byte) 0xFF && jpeg[i + 1] == (byte) marker) {
        return i;
      }
    }
    throw new AssertionError("no marker 0x" + Integer.toHexString(marker));
  }
}
