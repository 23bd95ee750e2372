package io.inferencegw.gateway.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.bench.SyntheticImages;
import io.inferencegw.gateway.config.PreprocessingMode;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.gateway.preprocess.ImageDecoder;
import io.inferencegw.gateway.preprocess.ImagePreprocessor;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.VariantSpec;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** The per-model preprocessing option: what each mode feeds the network. */
class ModelInputPreparerModesTest {

  private static final VariantSpec SPEC = new VariantSpec("resnet-like", 3, 224, 224, 1000,
      PreprocessSpec.imagenet(256, 224, PreprocessSpec.Interpolation.BILINEAR));

  private static final byte[] FULL_HD = SyntheticImages.jpegs(1, 1920, 1080, 3).get(0);

  @Test
  void theExactModeIsTheFullSizeDecoderAndTorchvisionsResizeBitForBit() {
    float[] exact = new ModelInputPreparer(SPEC, InputLimits.DEFAULT, PreprocessingMode.EXACT)
        .prepareValues(new ModelInput.EncodedImage(FULL_HD));

    assertArrayEquals(fullSizeReference(FULL_HD), exact);
  }

  @Test
  void theFastModeGivesADifferentButCloseInput() {
    float[] exact = fullSizeReference(FULL_HD);
    float[] fast = new ModelInputPreparer(SPEC, InputLimits.DEFAULT, PreprocessingMode.FAST)
        .prepareValues(new ModelInput.EncodedImage(FULL_HD));

    assertFalse(Arrays.equals(exact, fast), "a 1920x1080 JPEG is decoded at 1/4");
    double sum = 0;
    for (int i = 0; i < exact.length; i++) {
      sum += Math.abs(exact[i] - fast[i]);
    }
    // These synthetic images are noisy (+-8 levels per pixel): the two paths average the noise
    // differently, hence a looser bound than for smooth images (FastImageDecoderTest).
    assertTrue(sum / exact.length < 0.05, "mean abs difference " + sum / exact.length);
  }

  /** The decoder and preprocessor the gateway has always used, called directly. */
  private static float[] fullSizeReference(byte[] jpeg) {
    ImagePreprocessor preprocessor = new ImagePreprocessor(SPEC.preprocess());
    try (PointerScope scope = new PointerScope()) {
      Tensor out = torch.empty(3, 224, 224);
      preprocessor.preprocess(new ImageDecoder().decode(jpeg, SPEC.preprocess().color()), out);
      float[] values = new float[(int) out.numel()];
      new FloatPointer(out.data_ptr()).get(values);
      return values;
    }
  }
}
