package io.inferencegw.gateway.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class FastImageDecoderTest {

  private static final PreprocessSpec IMAGENET =
      PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR);

  private final ImageDecoder exact = new ImageDecoder();
  private final FastImageDecoder fast = new FastImageDecoder(exact, 256);

  // ---- what the fast path decodes ----

  @Test
  void aLargeJpegIsDecodedAtTheReductionItsResizeAllows() {
    DecodedImage image = fast.decode(TestJpegs.smooth(1920, 1080), ColorMode.RGB);

    assertEquals(new DecodedImage(480, 270, 3, image.pixels()), image);
  }

  @Test
  void whereNoReductionAppliesThePixelsAreTheExactDecodersOwn() {
    byte[] rgb = TestJpegs.smooth(400, 300);        // 300 / 2 < 256: full size
    byte[] gray = TestJpegs.smoothGray(333, 257);

    for (ColorMode color : ColorMode.values()) {
      assertEquals(exact.decode(rgb, color), fast.decode(rgb, color), color.name());
      assertEquals(exact.decode(gray, color), fast.decode(gray, color), color.name());
    }
  }

  @Test
  void aGrayNetworkGetsPilsLumaOfTheReducedRgb() {
    byte[] jpeg = TestJpegs.smooth(640, 480);
    FastImageDecoder forLenet = new FastImageDecoder(exact, 28);

    DecodedImage gray = forLenet.decode(jpeg, ColorMode.GRAYSCALE);
    DecodedImage rgb = forLenet.decode(jpeg, ColorMode.RGB);

    assertEquals(new DecodedImage(80, 60, 1, gray.pixels()), gray);
    assertEquals(rgb.toChannels(1), gray);
  }

  @Test
  void pngIsDecodedByTheExactDecoder() {
    byte[] pixels = TestImages.smoothPixels(1024, 600);
    byte[] png = TestImages.encode(TestImages.rgbImage(1024, 600, pixels), "png");

    assertEquals(new DecodedImage(1024, 600, 3, pixels), fast.decode(png, ColorMode.RGB));
  }

  /**
   * The network input after resize, crop and normalisation, from a 1920x1080 JPEG decoded at 1/4
   * and at full size. Tolerance, in normalised units (one unit is the channel's std, about 57 of
   * 255 levels): at most 0.1 for any value, 0.01 on average. The difference comes from the
   * reduced IDCT, which averages 4x4 pixels before the antialiased resize averages again.
   */
  @Test
  void theScaledPathsNetworkInputIsCloseToTheExactOne() {
    byte[] jpeg = TestJpegs.smooth(1920, 1080);
    ImagePreprocessor preprocessor = new ImagePreprocessor(IMAGENET);
    try (PointerScope scope = new PointerScope()) {
      Tensor fromExact = TensorTestSupport.floatTensor(3, 224, 224);
      Tensor fromFast = TensorTestSupport.floatTensor(3, 224, 224);
      preprocessor.preprocess(exact.decode(jpeg, ColorMode.RGB), fromExact);
      preprocessor.preprocess(fast.decode(jpeg, ColorMode.RGB), fromFast);
      float[] a = TensorTestSupport.values(fromExact);
      float[] b = TensorTestSupport.values(fromFast);

      double max = TensorTestSupport.maxAbsDiff(a, b);
      double sum = 0;
      for (int i = 0; i < a.length; i++) {
        sum += Math.abs(a[i] - b[i]);
      }
      double mean = sum / a.length;
      assertTrue(max <= 0.1, "max abs difference " + max);
      assertTrue(mean <= 0.01, "mean abs difference " + mean);
      assertTrue(max > 0, "the two paths are expected to differ a little");
    }
  }

  // ---- hostile input on the scaled path ----

  @Test
  void aJpegBombIsRefusedFromItsHeader() {
    byte[] jpeg = TestJpegs.smooth(64, 64);
    int sof = TestJpegs.marker(jpeg, 0xC0);
    jpeg[sof + 5] = (byte) 0xEA; // height 60000
    jpeg[sof + 6] = (byte) 0x60;
    jpeg[sof + 7] = (byte) 0xEA; // width 60000
    jpeg[sof + 8] = (byte) 0x60;

    assertInvalid("image 60000x60000 exceeds the 40000000-pixel limit", jpeg);
  }

  @Test
  void aTruncatedJpegIsRefused() {
    byte[] full = TestJpegs.smooth(1920, 1080);
    for (byte[] cut : new byte[][] {
        Arrays.copyOf(full, full.length / 2), Arrays.copyOf(full, full.length - 2)}) {
      assertInvalid(
          "image is corrupt or truncated: JPEG data ends before its end-of-image marker", cut);
    }
  }

  @Test
  void aJpegCutShortWithANewEndMarkerIsRefused() {
    byte[] full = TestJpegs.smooth(1920, 1080);
    byte[] cut = Arrays.copyOf(full, full.length / 2 + 2);
    cut[cut.length - 2] = (byte) 0xFF;
    cut[cut.length - 1] = (byte) 0xD9;

    GatewayException e = refused(cut);
    assertTrue(e.getMessage().contains("premature end"), e.getMessage());
  }

  @Test
  void garbageAfterTheJpegSignatureIsRefused() {
    Random random = new Random(14);
    for (int i = 0; i < 50; i++) {
      byte[] garbage = new byte[3 + random.nextInt(4000)];
      random.nextBytes(garbage);
      garbage[0] = (byte) 0xFF;
      garbage[1] = (byte) 0xD8;
      garbage[2] = (byte) 0xFF;
      refused(garbage);
    }
  }

  @Test
  void tablesTheNativeDecoderRejectsAreRefused() {
    byte[] jpeg = TestJpegs.smooth(1920, 1080);
    int dht = TestJpegs.marker(jpeg, 0xC4);
    Arrays.fill(jpeg, dht + 5, dht + 21, (byte) 0xFF); // code counts that overflow the table
    assertTrue(JpegLayout.read(jpeg).orElseThrow().complete(), "the layout itself is intact");

    assertInvalid("image is corrupt or truncated: the JPEG decoder refused the data", jpeg);
  }

  @Test
  void aJpegWithMoreScansThanTheLimitIsRefusedBeforeDecoding() {
    byte[] jpeg = TestJpegs.smooth(64, 64);
    int sos = TestJpegs.marker(jpeg, 0xDA);
    int sosLength = ((jpeg[sos + 2] & 0xFF) << 8 | (jpeg[sos + 3] & 0xFF)) + 2;
    ByteArrayOutputStream many = new ByteArrayOutputStream();
    many.write(jpeg, 0, jpeg.length - 2);
    for (int i = 0; i < FastImageDecoder.MAX_SCANS; i++) {
      many.write(jpeg, sos, sosLength); // an empty scan
    }
    many.write(0xFF);
    many.write(0xD9);

    assertInvalid("JPEG has " + (FastImageDecoder.MAX_SCANS + 1) + " scans, more than the "
        + FastImageDecoder.MAX_SCANS + "-scan limit", many.toByteArray());
  }

  @Test
  void theExactDecodersSizeLimitsApply() {
    byte[] jpeg = TestJpegs.smooth(100, 100);
    FastImageDecoder small = new FastImageDecoder(new ImageDecoder(100, 1_000_000), 8);
    FastImageDecoder fewPixels = new FastImageDecoder(new ImageDecoder(1 << 20, 9_999), 8);

    assertInvalid(small, "image is " + jpeg.length + " bytes, more than the 100-byte limit", jpeg);
    assertInvalid(fewPixels, "image 100x100 exceeds the 9999-pixel limit", jpeg);
  }

  @Test
  void onlyARowOfExactlyMidGrayCountsAsFill() {
    byte[] pixels = new byte[4 * 3 * 3];
    Arrays.fill(pixels, (byte) 128);
    assertTrue(FastImageDecoder.endsInMidGray(new DecodedImage(4, 3, 3, pixels)));
    pixels[pixels.length - 1] = (byte) 127;
    assertFalse(FastImageDecoder.endsInMidGray(new DecodedImage(4, 3, 3, pixels)));
  }

  private GatewayException refused(byte[] input) {
    Executable decode = () -> fast.decode(input, ColorMode.RGB);
    GatewayException e = assertThrows(GatewayException.class, decode);
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), e.getMessage());
    return e;
  }

  private void assertInvalid(String message, byte[] input) {
    assertInvalid(fast, message, input);
  }

  private static void assertInvalid(FastImageDecoder decoder, String message, byte[] input) {
    GatewayException e = assertThrows(GatewayException.class,
        () -> decoder.decode(input, ColorMode.RGB));
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    assertEquals(message, e.getMessage());
  }
}
