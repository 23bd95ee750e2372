package io.inferencegw.plugin.api;

import java.util.List;
import java.util.Objects;

/**
 * What the gateway needs to know about one buildable network before building it.
 *
 * @param name variant name, unique within its family (e.g. {@code "resnet50"})
 * @param channels input channels the network takes (1 grayscale, 3 RGB)
 * @param height native input height
 * @param width native input width
 * @param numClasses number of logits the network returns
 * @param preprocess how an image is turned into the network's input tensor
 */
public record VariantSpec(
    String name,
    int channels,
    int height,
    int width,
    int numClasses,
    PreprocessSpec preprocess) {

  public VariantSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(preprocess, "preprocess");
    if (channels <= 0 || height <= 0 || width <= 0 || numClasses <= 0) {
      throw new IllegalArgumentException("variant " + name + ": sizes must be positive");
    }
    if (preprocess.color().channels() != channels) {
      throw new IllegalArgumentException(
          "variant " + name + ": preprocessing yields " + preprocess.color() + " but network takes "
              + channels + " channels");
    }
  }

  /**
   * A variant that takes what its preprocessing yields: the preprocessing's channels and its
   * crop as the input size.
   */
  public static VariantSpec of(String name, int numClasses, PreprocessSpec preprocess) {
    return new VariantSpec(name, preprocess.color().channels(), preprocess.cropHeight(),
        preprocess.cropWidth(), numClasses, preprocess);
  }

  /** Input shape without the batch dimension: C, H, W. */
  public List<Integer> inputShape() {
    return List.of(channels, height, width);
  }

  /** Number of float elements in one input sample. */
  public long inputElements() {
    return (long) channels * height * width;
  }
}
