package io.inferencegw.plugins.dpn;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ConfiguredFamily;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import java.util.List;
import org.pf4j.Extension;

/**
 * Dual Path Networks as timm 1.0.9's {@code dpn68, dpn68b, dpn92, dpn98, dpn107, dpn131}.
 *
 * <p>Preprocessing as the default pretrained configuration of each timm model (timm resizes the
 * shorter side to {@code floor(224 / crop_pct)}, bicubic, then center crops 224):
 * <ul>
 *   <li>the MXNet-trained {@code mx_in1k} weights (all but dpn68b): crop_pct 0.875, so resize
 *       256; DPN's own statistics, mean {@code (124, 117, 104) / 255} and std
 *       {@code 1 / (0.0167 * 255)} for every channel;</li>
 *   <li>dpn68b's {@code ra_in1k} weights: crop_pct 0.95, so resize 235; ImageNet mean and std
 *       (timm tests these weights at 288 without cropping; the catalog keeps 224).</li>
 * </ul>
 */
@Extension
public class DpnFamily extends ConfiguredFamily<DpnFamily.Config> {

  public static final String NAME = "dpn";
  private static final int SIZE = 224;
  private static final int NUM_CLASSES = 1000;

  /** timm's {@code IMAGENET_DPN_MEAN} and {@code IMAGENET_DPN_STD}. */
  private static final float[] DPN_MEAN = {124 / 255f, 117 / 255f, 104 / 255f};

  private static final float[] DPN_STD = {
      (float) (1 / (0.0167 * 255)), (float) (1 / (0.0167 * 255)), (float) (1 / (0.0167 * 255))};

  /** timm's {@code mx_in1k} configuration: crop_pct 0.875, bicubic, DPN statistics. */
  private static final PreprocessSpec MXNET_PREPROCESS = new PreprocessSpec(
      ColorMode.RGB, 256, SIZE, SIZE, Interpolation.BICUBIC, DPN_MEAN, DPN_STD);

  /** timm's {@code dpn68b.ra_in1k} configuration: crop_pct 0.95, bicubic, ImageNet statistics. */
  private static final PreprocessSpec RA_PREPROCESS =
      PreprocessSpec.imagenet(235, SIZE, Interpolation.BICUBIC);

  /** One row per variant, as timm's {@code @register_model} functions. */
  record Config(String name, DPN.Config network, PreprocessSpec preprocess)
      implements Variant {}

  public DpnFamily() {
    super(NAME, NUM_CLASSES, List.of(
        new Config("dpn68", new DPN.Config(true, 10, 128, 32, false,
            List.of(3, 4, 12, 3), List.of(16, 32, 32, 64)), MXNET_PREPROCESS),
        new Config("dpn68b", new DPN.Config(true, 10, 128, 32, true,
            List.of(3, 4, 12, 3), List.of(16, 32, 32, 64)), RA_PREPROCESS),
        new Config("dpn92", new DPN.Config(false, 64, 96, 32, false,
            List.of(3, 4, 20, 3), List.of(16, 32, 24, 128)), MXNET_PREPROCESS),
        new Config("dpn98", new DPN.Config(false, 96, 160, 40, false,
            List.of(3, 6, 20, 3), List.of(16, 32, 32, 128)), MXNET_PREPROCESS),
        new Config("dpn107", new DPN.Config(false, 128, 200, 50, false,
            List.of(4, 8, 20, 3), List.of(20, 64, 64, 128)), MXNET_PREPROCESS),
        new Config("dpn131", new DPN.Config(false, 128, 160, 40, false,
            List.of(4, 8, 28, 3), List.of(16, 32, 32, 128)), MXNET_PREPROCESS)));
  }


  @Override
  protected ClassifierModule build(Config c) {
    return new DPN(c.network(), NUM_CLASSES);
  }
}
