package io.inferencegw.gateway.preprocess;

import static io.inferencegw.gateway.preprocess.TensorTestSupport.floatTensor;
import static io.inferencegw.gateway.preprocess.TensorTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.preprocess.ImagePreprocessor.Window;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import java.util.Arrays;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

  private static final PreprocessSpec IMAGENET_32_28 =
      PreprocessSpec.imagenet(32, 28, Interpolation.BILINEAR);

  @Test
  void resizedSizeTruncatesTheLongSideLikeTorchvision() {
    assertArrayEquals(new long[] {256, 341}, ImagePreprocessor.resizedSize(480, 640, 256));
    assertArrayEquals(new long[] {341, 256}, ImagePreprocessor.resizedSize(640, 480, 256));
    // 5 * 7 / 3 = 11.67: int() truncates, rounding would give 12.
    assertArrayEquals(new long[] {5, 11}, ImagePreprocessor.resizedSize(3, 7, 5));
    assertArrayEquals(new long[] {11, 5}, ImagePreprocessor.resizedSize(7, 3, 5));
    assertArrayEquals(new long[] {4, 4}, ImagePreprocessor.resizedSize(10, 10, 4));
    assertArrayEquals(new long[] {32, 45}, ImagePreprocessor.resizedSize(32, 45, 32));
  }

  @Test
  void centerCropOffsetsRoundHalfToEvenLikePython() {
    assertEquals(new Window(8, 0, 28, false), Window.of(45, 28)); // round(8.5) == 8
    assertEquals(new Window(10, 0, 28, false), Window.of(47, 28)); // round(9.5) == 10
    assertEquals(new Window(2, 0, 28, false), Window.of(33, 28)); // round(2.5) == 2
    assertEquals(new Window(0, 0, 28, false), Window.of(28, 28));
    // Smaller than the crop: pad (41 - 32) // 2 = 4 before, 5 after.
    assertEquals(new Window(0, 4, 32, true), Window.of(32, 41));
  }

  @Test
  void uniformImageNormalisesToOneValuePerChannel() {
    int[] rgb = {200, 100, 30};
    byte[] pixels = new byte[70 * 50 * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) rgb[i % 3];
    }
    for (Interpolation interpolation : Interpolation.values()) {
      PreprocessSpec spec = PreprocessSpec.imagenet(32, 28, interpolation);
      try (PointerScope scope = new PointerScope()) {
        Tensor out = floatTensor(3, 28, 28);
        new ImagePreprocessor(spec).preprocess(new DecodedImage(70, 50, 3, pixels), out);
        float[] v = values(out);
        for (int c = 0; c < 3; c++) {
          double expected = (rgb[c] / 255.0 - PreprocessSpec.IMAGENET_MEAN[c])
              / PreprocessSpec.IMAGENET_STD[c];
          for (int i = c * 784; i < (c + 1) * 784; i++) {
            assertEquals(expected, v[i], 1e-5, interpolation + " channel " + c + " index " + i);
          }
        }
      }
    }
  }

  /**
   * The fast mode's byte resize against torchvision's float resize, both filters, RGB and gray:
   * every value within one level of 255 (divided by the channel's std), and not all equal, so
   * that the byte kernel is the one that ran.
   */
  @Test
  void resizingTheBytesStaysWithinOneLevelOfTheFloatResize() {
    byte[] rgb = TestImages.smoothPixels(300, 200);
    for (Interpolation interpolation : Interpolation.values()) {
      for (ColorMode color : ColorMode.values()) {
        DecodedImage image = new DecodedImage(300, 200, 3, rgb).toChannels(color.channels());
        float[] mean = color == ColorMode.RGB ? PreprocessSpec.IMAGENET_MEAN : new float[] {0.5f};
        float[] std = color == ColorMode.RGB ? PreprocessSpec.IMAGENET_STD : new float[] {0.25f};
        PreprocessSpec spec = new PreprocessSpec(color, 64, 56, 56, interpolation, mean, std);
        try (PointerScope scope = new PointerScope()) {
          Tensor fromFloats = floatTensor(color.channels(), 56, 56);
          Tensor fromBytes = floatTensor(color.channels(), 56, 56);
          new ImagePreprocessor(spec).preprocess(image, fromFloats);
          new ImagePreprocessor(spec, true).preprocess(image, fromBytes);
          float[] a = values(fromFloats);
          float[] b = values(fromBytes);
          int perChannel = 56 * 56;
          for (int i = 0; i < a.length; i++) {
            double oneLevel = 1.0 / (255 * std[i / perChannel]);
            assertTrue(Math.abs(a[i] - b[i]) <= oneLevel + 1e-6,
                interpolation + " " + color + " index " + i + ": " + a[i] + " vs " + b[i]);
          }
          assertTrue(!Arrays.equals(a, b), interpolation + " " + color);
        }
      }
    }
  }

  @Test
  void paddingBeyondTheImageIsZeroBeforeNormalisation() {
    // 64x32 white image, resize 32 (no-op), crop 41x28: 4 rows of padding above, 5 below.
    PreprocessSpec spec = new PreprocessSpec(ColorMode.GRAYSCALE, 32, 41, 28,
        Interpolation.BILINEAR, new float[] {0.5f}, new float[] {0.25f});
    byte[] white = new byte[64 * 32];
    Arrays.fill(white, (byte) 255);
    try (PointerScope scope = new PointerScope()) {
      Tensor out = floatTensor(1, 41, 28);
      out.fill_(new Scalar(99f));
      new ImagePreprocessor(spec).preprocess(new DecodedImage(64, 32, 1, white), out);
      float[] v = values(out);
      for (int y = 0; y < 41; y++) {
        float expected = y < 4 || y >= 36 ? -2f : 2f; // (0 - .5) / .25 and (1 - .5) / .25
        for (int x = 0; x < 28; x++) {
          assertEquals(expected, v[y * 28 + x], 1e-6, "row " + y + " column " + x);
        }
      }
    }
  }

  @Test
  void writesIntoItsBatchSlotOnly() {
    ImagePreprocessor preprocessor = new ImagePreprocessor(IMAGENET_32_28);
    DecodedImage image = new DecodedImage(50, 40, 3, TestImages.randomPixels(50, 40, 3, 11));
    try (PointerScope scope = new PointerScope()) {
      Tensor alone = floatTensor(3, 28, 28);
      preprocessor.preprocess(image, alone);
      Tensor batch = floatTensor(3, 3, 28, 28);
      batch.fill_(new Scalar(7f));

      preprocessor.preprocess(image, batch.select(0, 1));

      assertArrayEquals(values(alone), values(batch.select(0, 1)));
      for (int slot : new int[] {0, 2}) {
        for (float f : values(batch.select(0, slot))) {
          assertEquals(7f, f, "slot " + slot + " was written");
        }
      }
    }
  }

  @Test
  void convertsTheImageToTheSpecsColourMode() {
    PreprocessSpec gray = new PreprocessSpec(ColorMode.GRAYSCALE, 28, 28, 28,
        Interpolation.BILINEAR, new float[] {0f}, new float[] {1f});
    byte[] rgb = new byte[28 * 28 * 3];
    for (int i = 0; i < rgb.length; i += 3) {
      rgb[i] = 10;
      rgb[i + 1] = (byte) 200;
      rgb[i + 2] = 30;
    }
    try (PointerScope scope = new PointerScope()) {
      Tensor out = floatTensor(1, 28, 28);
      new ImagePreprocessor(gray).preprocess(new DecodedImage(28, 28, 3, rgb), out);
      for (float f : values(out)) {
        assertEquals(124 / 255f, f, 1e-6); // PIL's L of (10, 200, 30) is 124
      }
    }
  }

  @Test
  void rejectsADestinationOfTheWrongShapeOrType() {
    ImagePreprocessor preprocessor = new ImagePreprocessor(IMAGENET_32_28);
    DecodedImage image = new DecodedImage(40, 40, 3, new byte[4800]);
    try (PointerScope scope = new PointerScope()) {
      assertThrows(IllegalArgumentException.class,
          () -> preprocessor.preprocess(image, floatTensor(3, 28, 27)));
      assertThrows(IllegalArgumentException.class,
          () -> preprocessor.preprocess(image, floatTensor(1, 3, 28, 28)));
      assertThrows(IllegalArgumentException.class, () -> preprocessor.preprocess(image,
          torch.zeros(new long[] {3, 28, 28}, new TensorOptions(torch.ScalarType.Double))));
    }
  }

  @Test
  void freesItsIntermediatesBeforeReturning() {
    // A 1000x800 image: 2.4 MB of pixels copied to native memory, plus float intermediates.
    // They belong to the call, not to the caller's batch scope, so the scope of a large batch
    // does not accumulate every image's intermediates.
    ImagePreprocessor preprocessor = new ImagePreprocessor(IMAGENET_32_28);
    DecodedImage image = new DecodedImage(1000, 800, 3, new byte[1000 * 800 * 3]);
    try (PointerScope scope = new PointerScope()) {
      Tensor out = floatTensor(3, 28, 28);
      preprocessor.preprocess(image, out); // warm-up: lazily loaded classes and natives
      long before = Pointer.totalBytes();
      preprocessor.preprocess(image, out);
      long retained = Pointer.totalBytes() - before;
      assertTrue(retained < 100_000, "retained " + retained + " bytes of JavaCPP memory");
    }
  }

  @Test
  void inputShapeIsChannelsAndCrop() {
    PreprocessSpec spec = new PreprocessSpec(ColorMode.GRAYSCALE, 40, 32, 36,
        Interpolation.BICUBIC, new float[] {0f}, new float[] {1f});
    assertArrayEquals(new long[] {1, 32, 36}, new ImagePreprocessor(spec).inputShape());
  }
}
