package io.inferencegw.plugin.api.blocks.inception;

import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.blocks.Layer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * torchvision's {@code transform_input} of GoogLeNet and Inception v3: the first step of the
 * network when it is built for the ported TensorFlow weights ({@code transform_input=True},
 * which torchvision sets whenever weights are given). The input is normalised with ImageNet's
 * mean and std, as torchvision's weights' transforms do, and this layer turns it into what the
 * TensorFlow weights were trained on, {@code (pixel - 0.5) / 0.5}, channel by channel:
 * {@code x_c * (std_c / 0.5) + (mean_c - 0.5) / 0.5}.
 *
 * <p>Computed exactly as torchvision does (per channel a multiplication and an addition by
 * scalars, then the channels stacked back), so the results are bitwise the same. It allocates
 * one new input-sized tensor; the caller's input is left alone.
 */
public final class TransformInput implements Layer {

  /** The instance for ImageNet-normalised input. */
  public static final TransformInput IMAGENET = new TransformInput(
      PreprocessSpec.IMAGENET_MEAN, PreprocessSpec.IMAGENET_STD);

  /**
   * The gateway catalog's note for a network that starts with this layer, e.g.
   * {@code catalogNote("googlenet")}: clients send ImageNet-normalised input.
   */
  public static String catalogNote(String torchvisionModel) {
    return "torchvision " + torchvisionModel + " with transform_input=True (its ImageNet weights "
        + "were ported from TensorFlow): send ImageNet-normalised input as the preprocess says; "
        + "the network's first step maps it to the TensorFlow normalisation (x - 0.5) / 0.5";
  }

  private final double[] scale = new double[3];
  private final double[] shift = new double[3];

  private TransformInput(float[] mean, float[] std) {
    // torchvision writes the constants as Python floats (doubles): 0.229 / 0.5, (0.485 - 0.5) / 0.5
    double[] m = {0.485, 0.456, 0.406};
    double[] s = {0.229, 0.224, 0.225};
    for (int c = 0; c < 3; c++) {
      if ((float) m[c] != mean[c] || (float) s[c] != std[c]) {
        throw new IllegalStateException("ImageNet statistics changed: " + c);
      }
      scale[c] = s[c] / 0.5;
      shift[c] = (m[c] - 0.5) / 0.5;
    }
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor[] channels = new Tensor[3];
    for (int c = 0; c < 3; c++) {
      try (Tensor channel = x.select(1, c);
          Scalar s = new Scalar(scale[c]);
          Scalar b = new Scalar(shift[c])) {
        channels[c] = channel.mul(s);
        channels[c].add_(b);
      }
    }
    try (TensorVector all = new TensorVector(channels)) {
      return torch.stack(all, 1);
    } finally {
      for (Tensor t : channels) {
        t.close();
      }
    }
  }

  @Override
  public String toString() {
    return "TransformInput(ImageNet mean/std -> (x - 0.5) / 0.5)";
  }
}
