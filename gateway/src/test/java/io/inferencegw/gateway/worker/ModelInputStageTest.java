package io.inferencegw.gateway.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.bench.SyntheticImages;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.VariantSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Which inputs an idle worker may decode itself: few pixels, and few bytes. */
class ModelInputStageTest {

  private static final VariantSpec SPEC = new VariantSpec("small-rgb", 3, 28, 28, 10,
      PreprocessSpec.imagenet(28, 28, PreprocessSpec.Interpolation.BILINEAR));
  private static final PreprocessPool POOL = new PreprocessPool(1, 1, 1_000_000);
  private static final ModelInputStage STAGE = new ModelInputStage("m",
      new ModelInputPreparer(SPEC, InputLimits.DEFAULT), POOL);

  @AfterAll
  static void closePool() {
    POOL.close();
  }

  private static boolean cheap(byte[] encoded) {
    return STAGE.cheapOnWorker(new InferenceRequest(new ModelInput.EncodedImage(encoded), 5,
        false, Long.MAX_VALUE, null));
  }

  private static byte[] png(int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY), "png", out);
    return out.toByteArray();
  }

  @Test
  void smallImagesAreCheapOnTheWorker() throws IOException {
    assertTrue(cheap(png(28, 28)));
    assertTrue(cheap(png(64, 64)), "the bound itself");
    assertTrue(cheap(SyntheticImages.jpegs(1, 32, 32, 1).get(0)));
  }

  @Test
  void imagesWithMorePixelsGoToTheInputStage() throws IOException {
    assertFalse(cheap(png(65, 64)));
    assertFalse(cheap(SyntheticImages.jpegs(1, 256, 256, 1).get(0)));
  }

  @Test
  void aFewPixelsInManyBytesGoToTheInputStage() throws IOException {
    byte[] small = png(28, 28);
    // Padding after the image's end: the header still declares 28x28, the file is over 16 KiB.
    byte[] padded = Arrays.copyOf(small, ModelInputStage.CHEAP_ON_WORKER_BYTES + 1);
    assertEquals(28 * 28, io.inferencegw.gateway.preprocess.ImageDecoder.declaredPixels(padded));
    assertFalse(cheap(padded));
  }

  @Test
  void inputsWhoseSizeCannotBeReadGoToTheInputStage() {
    assertFalse(cheap(new byte[] {1, 2, 3}));
  }
}
