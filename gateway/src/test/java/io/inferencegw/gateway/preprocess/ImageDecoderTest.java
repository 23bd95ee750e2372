package io.inferencegw.gateway.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ImageDecoderTest {

  private final ImageDecoder decoder = new ImageDecoder();

  // ---- formats and pixel values ----

  @Test
  void pngRgbDecodesToTheExactPixels() {
    byte[] rgb = TestImages.randomPixels(37, 23, 3, 1);
    byte[] png = TestImages.encode(TestImages.rgbImage(37, 23, rgb), "png");

    DecodedImage image = decoder.decode(png, ColorMode.RGB);

    assertEquals(new DecodedImage(37, 23, 3, rgb), image);
  }

  @Test
  void grayPngKeepsOneChannelAndReplicatesForRgb() {
    byte[] gray = TestImages.randomPixels(19, 11, 1, 2);
    byte[] png = TestImages.encode(TestImages.grayImage(19, 11, gray), "png");

    DecodedImage asIs = decoder.decode(png);
    DecodedImage asRgb = decoder.decode(png, ColorMode.RGB);

    assertEquals(new DecodedImage(19, 11, 1, gray), asIs);
    assertEquals(3, asRgb.channels());
    for (int i = 0; i < gray.length; i++) {
      assertEquals(gray[i], asRgb.pixels()[3 * i]);
      assertEquals(gray[i], asRgb.pixels()[3 * i + 1]);
      assertEquals(gray[i], asRgb.pixels()[3 * i + 2]);
    }
  }

  @Test
  void rgbaPngDropsAlphaWithoutPremultiplying() {
    int w = 16;
    int h = 9;
    byte[] rgb = TestImages.randomPixels(w, h, 3, 3);
    Random random = new Random(4);
    BufferedImage argb = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = (y * w + x) * 3;
        int alpha = x == 0 ? 0 : random.nextInt(256); // fully transparent pixels keep colour too
        argb.setRGB(x, y, alpha << 24 | (rgb[p] & 0xFF) << 16 | (rgb[p + 1] & 0xFF) << 8
            | (rgb[p + 2] & 0xFF));
      }
    }

    DecodedImage image = decoder.decode(TestImages.encode(argb, "png"), ColorMode.RGB);

    assertEquals(new DecodedImage(w, h, 3, rgb), image);
  }

  @Test
  void palettePngAndBmpAreExpandedThroughThePalette() {
    // 16 colours: PNG stores 4-bit indices. BMP only with 200 colours (8-bit indices): the
    // JDK's BMP writer packs a 16-colour TYPE_BYTE_INDEXED image wrongly (PIL reads its
    // output the same way our decoder does).
    for (int colours : new int[] {16, 200}) {
      byte[] reds = new byte[colours];
      byte[] greens = new byte[colours];
      byte[] blues = new byte[colours];
      Random random = new Random(colours);
      random.nextBytes(reds);
      random.nextBytes(greens);
      random.nextBytes(blues);
      IndexColorModel palette = new IndexColorModel(8, colours, reds, greens, blues);
      int w = 21;
      int h = 8;
      BufferedImage indexed = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, palette);
      byte[] expected = new byte[w * h * 3];
      for (int i = 0; i < w * h; i++) {
        int index = random.nextInt(colours);
        indexed.getRaster().setSample(i % w, i / w, 0, index);
        expected[3 * i] = reds[index];
        expected[3 * i + 1] = greens[index];
        expected[3 * i + 2] = blues[index];
      }

      for (String format : colours == 16 ? new String[] {"png"} : new String[] {"png", "bmp"}) {
        DecodedImage image = decoder.decode(TestImages.encode(indexed, format), ColorMode.RGB);
        assertEquals(new DecodedImage(w, h, 3, expected), image, format + ", " + colours);
      }
    }
  }

  @Test
  void oneBitPngBecomesBlackAndWhiteGray() {
    BufferedImage binary = new BufferedImage(10, 3, BufferedImage.TYPE_BYTE_BINARY);
    byte[] expected = new byte[30];
    for (int i = 0; i < 30; i++) {
      boolean white = (i * 7) % 3 == 0;
      binary.getRaster().setSample(i % 10, i / 10, 0, white ? 1 : 0);
      expected[i] = (byte) (white ? 255 : 0);
    }

    DecodedImage image = decoder.decode(TestImages.encode(binary, "png"));

    assertEquals(new DecodedImage(10, 3, 1, expected), image);
  }

  @Test
  void sixteenBitGrayPngKeepsTheHighByte() {
    BufferedImage deep = new BufferedImage(5, 2, BufferedImage.TYPE_USHORT_GRAY);
    int[] samples = {0, 255, 256, 0x7FFF, 0x8000, 0xFFFF, 0x1234, 0xABCD, 0x00FF, 0xFF00};
    deep.getRaster().setSamples(0, 0, 5, 2, 0, samples);
    byte[] expected = new byte[samples.length];
    for (int i = 0; i < samples.length; i++) {
      expected[i] = (byte) (samples[i] >>> 8);
    }

    DecodedImage image = decoder.decode(TestImages.encode(deep, "png"));

    assertEquals(new DecodedImage(5, 2, 1, expected), image);
  }

  @Test
  void bmpDecodesToTheExactPixelsIncludingRowPadding() {
    // 37 * 3 = 111 bytes per row: BMP pads rows to 112, which must not shift pixels.
    byte[] rgb = TestImages.randomPixels(37, 23, 3, 6);
    byte[] bmp = TestImages.encode(TestImages.rgbImage(37, 23, rgb), "bmp");

    assertEquals(new DecodedImage(37, 23, 3, rgb), decoder.decode(bmp, ColorMode.RGB));
  }

  @Test
  void jpegDecodesCloseToTheOriginal() {
    int w = 64;
    int h = 48;
    byte[] rgb = TestImages.smoothPixels(w, h);
    byte[] jpeg = TestImages.encode(TestImages.rgbImage(w, h, rgb), "jpeg");

    DecodedImage image = decoder.decode(jpeg, ColorMode.RGB);

    assertEquals(w, image.width());
    assertEquals(h, image.height());
    assertEquals(3, image.channels());
    double sum = 0;
    int max = 0;
    for (int i = 0; i < rgb.length; i++) {
      int diff = Math.abs((rgb[i] & 0xFF) - (image.pixels()[i] & 0xFF));
      sum += diff;
      max = Math.max(max, diff);
    }
    // Lossy, but on smooth content the default quality (0.75) stays within a few levels.
    assertTrue(sum / rgb.length < 2.0, "mean abs diff " + sum / rgb.length);
    assertTrue(max <= 16, "max abs diff " + max);
  }

  @Test
  void grayJpegDecodesToOneChannel() {
    byte[] gray = new byte[32 * 16];
    for (int i = 0; i < gray.length; i++) {
      gray[i] = (byte) (i % 32 * 8);
    }
    byte[] jpeg = TestImages.encode(TestImages.grayImage(32, 16, gray), "jpeg");

    DecodedImage image = decoder.decode(jpeg);

    assertEquals(1, image.channels());
    for (int i = 0; i < gray.length; i++) {
      assertTrue(Math.abs((gray[i] & 0xFF) - (image.pixels()[i] & 0xFF)) <= 12, "pixel " + i);
    }
  }

  @Test
  void grayscaleConversionUsesPilsFixedPointLuma() {
    // Expected values from Pillow 9.4: Image.new("RGB", ...).putdata(px).convert("L").
    int[][] px = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}, {1, 2, 3},
        {128, 128, 128}, {10, 200, 30}, {37, 99, 250}};
    byte[] expected = {76, (byte) 150, 29, (byte) 255, 2, (byte) 128, 124, 98};
    byte[] rgb = new byte[px.length * 3];
    for (int i = 0; i < px.length; i++) {
      for (int c = 0; c < 3; c++) {
        rgb[3 * i + c] = (byte) px[i][c];
      }
    }
    byte[] png = TestImages.encode(TestImages.rgbImage(px.length, 1, rgb), "png");

    DecodedImage gray = decoder.decode(png, ColorMode.GRAYSCALE);

    assertEquals(new DecodedImage(px.length, 1, 1, expected), gray);
  }

  // ---- bad input ----

  @Test
  void emptyImageIsRejected() {
    assertInvalid("image is empty", () -> decoder.decode(new byte[0], ColorMode.RGB));
    assertInvalid("image is empty", () -> decoder.decode(null, ColorMode.RGB));
  }

  @Test
  void unknownFormatIsRejected() {
    String message = "image format not recognised (expected JPEG, PNG or BMP)";
    byte[] gif = TestImages.encode(TestImages.grayImage(4, 4, new byte[16]), "gif");
    assertInvalid(message, () -> decoder.decode(gif, ColorMode.RGB));
    assertInvalid(message, () -> decoder.decode(
        "hello, not an image".getBytes(StandardCharsets.US_ASCII), ColorMode.RGB));
    assertInvalid(message, () -> decoder.decode(new byte[] {(byte) 0xFF}, ColorMode.RGB));
  }

  @Test
  void truncatedImagesAreRejected() {
    byte[] rgb = TestImages.randomPixels(40, 30, 3, 7);
    BufferedImage image = TestImages.rgbImage(40, 30, rgb);
    for (String format : new String[] {"png", "jpeg", "bmp"}) {
      byte[] full = TestImages.encode(image, format);
      byte[] half = Arrays.copyOf(full, full.length / 2);
      GatewayException e = assertThrows(GatewayException.class, () -> decoder.decode(half));
      assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), format);
      assertTrue(e.getMessage().startsWith("image is corrupt or truncated: "),
          format + ": " + e.getMessage());
    }
  }

  @Test
  void jpegMissingOnlyItsEndMarkerIsRejectedLikePil() {
    byte[] full = TestImages.encode(TestImages.rgbImage(16, 16, new byte[16 * 16 * 3]), "jpeg");
    byte[] cut = Arrays.copyOf(full, full.length - 2);

    assertInvalid("image is corrupt or truncated: Truncated File - Missing EOI marker",
        () -> decoder.decode(cut));
  }

  @Test
  void corruptPngDataIsRejected() {
    byte[] png = TestImages.encode(
        TestImages.rgbImage(40, 30, TestImages.randomPixels(40, 30, 3, 8)), "png");
    int idat = indexOf(png, "IDAT".getBytes(StandardCharsets.US_ASCII));
    for (int i = idat + 6; i < idat + 200; i++) {
      png[i] = (byte) (png[i] ^ 0x5A);
    }

    GatewayException e = assertThrows(GatewayException.class, () -> decoder.decode(png));

    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    assertTrue(e.getMessage().startsWith("image is corrupt or truncated: "), e.getMessage());
  }

  @Test
  void zeroWidthOrHeightIsRejectedForEveryFormat() {
    assertInvalid("image has zero width or height (0x5)",
        () -> decoder.decode(pngHeaderOnly(0, 5)));
    assertInvalid("image has zero width or height (5x0)",
        () -> decoder.decode(pngHeaderOnly(5, 0)));

    byte[] bmp = TestImages.encode(TestImages.rgbImage(4, 3, new byte[36]), "bmp");
    Arrays.fill(bmp, 18, 22, (byte) 0); // BITMAPINFOHEADER width
    assertInvalid("image has zero width or height (0x3)", () -> decoder.decode(bmp));

    byte[] jpeg = TestImages.encode(TestImages.rgbImage(4, 3, new byte[36]), "jpeg");
    int sof = indexOf(jpeg, new byte[] {(byte) 0xFF, (byte) 0xC0});
    jpeg[sof + 5] = 0; // frame height
    jpeg[sof + 6] = 0;
    assertInvalid("image has zero width or height (4x0)", () -> decoder.decode(jpeg));
  }

  @Test
  void encodedSizeOverTheLimitIsRejected() {
    byte[] png = TestImages.encode(
        TestImages.rgbImage(40, 30, TestImages.randomPixels(40, 30, 3, 9)), "png");
    ImageDecoder small = new ImageDecoder(1000, ImageDecoder.DEFAULT_MAX_PIXELS);

    assertInvalid("image is " + png.length + " bytes, more than the 1000-byte limit",
        () -> small.decode(png));
  }

  @Test
  void pixelCountOverTheLimitIsRejected() {
    byte[] png = TestImages.encode(TestImages.rgbImage(11, 10, new byte[330]), "png");
    ImageDecoder small = new ImageDecoder(ImageDecoder.DEFAULT_MAX_ENCODED_BYTES, 100);

    assertInvalid("image 11x10 exceeds the 100-pixel limit", () -> small.decode(png));
    assertEquals(10, small.decode(
        TestImages.encode(TestImages.rgbImage(10, 10, new byte[300]), "png")).height());
  }

  @Test
  void pngDecompressionBombIsRejectedBeforeAnyPixelIsAllocated() {
    // A valid PNG stream claiming 100000x100000 RGB (30 GB of pixels) in a few hundred bytes.
    byte[] bomb = pngHeaderOnly(100_000, 100_000);
    assertTrue(bomb.length < 1000);

    long allocated = allocatedBytesDuring(() -> assertInvalid(
        "image 100000x100000 exceeds the 40000000-pixel limit", () -> decoder.decode(bomb)));

    assertTrue(allocated < 4 << 20, "allocated " + allocated + " bytes");
  }

  @Test
  void pngJustOverTheDefaultLimitIsRejected() {
    // 8001x5000 is 40 005 000 pixels, one column over 8000x5000; a decoder that allocated
    // first would need 120 MB here.
    byte[] bomb = pngHeaderOnly(8001, 5000);

    long allocated = allocatedBytesDuring(() -> assertInvalid(
        "image 8001x5000 exceeds the 40000000-pixel limit", () -> decoder.decode(bomb)));

    assertTrue(allocated < 4 << 20, "allocated " + allocated + " bytes");
  }

  @Test
  void jpegDecompressionBombIsRejected() {
    byte[] jpeg = TestImages.encode(TestImages.rgbImage(8, 8, new byte[192]), "jpeg");
    int sof = indexOf(jpeg, new byte[] {(byte) 0xFF, (byte) 0xC0});
    jpeg[sof + 5] = (byte) 0xEA; // height 60000
    jpeg[sof + 6] = (byte) 0x60;
    jpeg[sof + 7] = (byte) 0xEA; // width 60000
    jpeg[sof + 8] = (byte) 0x60;

    long allocated = allocatedBytesDuring(() -> assertInvalid(
        "image 60000x60000 exceeds the 40000000-pixel limit", () -> decoder.decode(jpeg)));

    assertTrue(allocated < 4 << 20, "allocated " + allocated + " bytes");
  }

  @Test
  void bmpWithAnEmbeddedPngOrJpegIsRejectedBeforeTheReaderAllocates() {
    // A 1x1 BMP whose pixel data is a PNG claiming 100000x100000, with an image size field of
    // 2 GiB - 1: the JDK reader would allocate that field's size (an OutOfMemoryError), then
    // decode the embedded image at its own size.
    byte[] bmp = TestImages.encode(TestImages.rgbImage(1, 1, new byte[3]), "bmp");
    byte[] png = pngHeaderOnly(100_000, 100_000);
    byte[] embedding = Arrays.copyOf(bmp, 54 + png.length);
    System.arraycopy(png, 0, embedding, 54, png.length);
    ByteBuffer fields = ByteBuffer.wrap(embedding).order(ByteOrder.LITTLE_ENDIAN);
    fields.putInt(30, 5).putInt(34, Integer.MAX_VALUE);

    long allocated = allocatedBytesDuring(() -> assertInvalid(
        "BMP with embedded PNG data (compression 5) is not supported",
        () -> decoder.decode(embedding)));
    assertTrue(allocated < 4 << 20, "allocated " + allocated + " bytes");

    fields.putInt(30, 4);
    assertInvalid("BMP with embedded JPEG data (compression 4) is not supported",
        () -> decoder.decode(embedding));
  }

  @Test
  void bmpWithAZeroColourMaskReadsThatColourAsZero() {
    // A 16-bit BI_BITFIELDS BMP (5-6-5) whose red mask is 0: red has no bits, so it is 0
    // everywhere, and green and blue are decoded as before.
    BufferedImage image = new BufferedImage(6, 4, BufferedImage.TYPE_USHORT_565_RGB);
    Random random = new Random(9);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 6; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    byte[] bmp = TestImages.encode(image, "bmp");
    ByteBuffer header = ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(3, header.getInt(30), "BI_BITFIELDS");
    assertEquals(0xF800, header.getInt(54), "red mask");
    DecodedImage original = decoder.decode(bmp);
    header.putInt(54, 0);

    DecodedImage noRed = decoder.decode(bmp);

    assertEquals(3, noRed.channels());
    byte[] expected = original.pixels().clone();
    for (int i = 0; i < expected.length; i += 3) {
      expected[i] = 0;
    }
    assertArrayEquals(expected, noRed.pixels());
  }

  // ---- raw pixels ----

  @Test
  void rawPixelsAreAcceptedAsTheyAre() {
    byte[] pixels = TestImages.randomPixels(5, 4, 3, 10);

    DecodedImage image = DecodedImage.fromRaw(5, 4, 3, pixels);

    assertEquals(new DecodedImage(5, 4, 3, pixels), image);
    assertTrue(image.pixels() == pixels, "raw pixels are not copied");
  }

  @Test
  void rawPixelsAreConvertedToTheNetworksColourMode() {
    byte[] rgb = {(byte) 255, 0, 0, 10, (byte) 200, 30};

    DecodedImage gray = decoder.fromRaw(2, 1, 3, rgb, ColorMode.GRAYSCALE);
    DecodedImage back = decoder.fromRaw(2, 1, 1, new byte[] {7, 9}, ColorMode.RGB);

    assertArrayEquals(new byte[] {76, 124}, gray.pixels());
    assertArrayEquals(new byte[] {7, 7, 7, 9, 9, 9}, back.pixels());
  }

  @Test
  void invalidRawImagesAreRejected() {
    assertInvalid("raw image channels must be 1 or 3, got 4",
        () -> DecodedImage.fromRaw(2, 2, 4, new byte[16]));
    assertInvalid("raw image channels must be 1 or 3, got 0",
        () -> DecodedImage.fromRaw(2, 2, 0, new byte[0]));
    assertInvalid("raw image width and height must be positive, got 0x2",
        () -> DecodedImage.fromRaw(0, 2, 1, new byte[0]));
    assertInvalid("raw image 2x2x3 needs 12 pixel bytes, got 11",
        () -> DecodedImage.fromRaw(2, 2, 3, new byte[11]));
    assertInvalid("raw image 2x2x1 needs 4 pixel bytes, got 0",
        () -> DecodedImage.fromRaw(2, 2, 1, null));
    // uint32 fields arrive as negative ints above 2^31 - 1; the client sees what it sent.
    assertInvalid("raw image 4294967295x1 exceeds the 40000000-pixel limit",
        () -> DecodedImage.fromRaw(-1, 1, 1, new byte[1]));
    assertInvalid("raw image 11x10 exceeds the 100-pixel limit",
        () -> new ImageDecoder(1000, 100).fromRaw(11, 10, 1, new byte[110], ColorMode.RGB));
  }

  // ---- helpers ----

  static void assertInvalid(String message, Executable call) {
    GatewayException e = assertThrows(GatewayException.class, call);
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    assertEquals(message, e.getMessage());
  }

  private static long allocatedBytesDuring(Runnable action) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    action.run();
    return threads.getCurrentThreadAllocatedBytes() - before;
  }

  /**
   * A well-formed PNG that declares {@code width x height} RGB pixels but carries only a little
   * compressed data: the headers are what a bomb needs to fool a decoder that allocates first.
   */
  static byte[] pngHeaderOnly(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    ByteBuffer ihdr = ByteBuffer.allocate(13)
        .putInt(width).putInt(height)
        .put((byte) 8) // bit depth
        .put((byte) 2) // colour type RGB
        .put((byte) 0).put((byte) 0).put((byte) 0);
    out.writeBytes(chunk("IHDR", ihdr.array()));
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    try (DeflaterOutputStream deflater = new DeflaterOutputStream(idat)) {
      deflater.write(new byte[100_000]);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    out.writeBytes(chunk("IDAT", idat.toByteArray()));
    out.writeBytes(chunk("IEND", new byte[0]));
    return out.toByteArray();
  }

  private static byte[] chunk(String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    return ByteBuffer.allocate(12 + data.length)
        .putInt(data.length).put(typeBytes).put(data).putInt((int) crc.getValue())
        .array();
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("pattern not found");
  }
}
