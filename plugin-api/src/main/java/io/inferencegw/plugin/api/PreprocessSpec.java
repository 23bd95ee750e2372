package io.inferencegw.plugin.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * torchvision-style preprocessing: decode, convert colour, resize the shorter side, center crop,
 * scale to [0,1], normalize with mean and std.
 *
 * @param color colour mode the network expects
 * @param resizeShorter target length of the shorter image side before cropping
 * @param cropHeight height of the center crop (the network's input height)
 * @param cropWidth width of the center crop (the network's input width)
 * @param interpolation resize filter (always antialiased when downscaling)
 * @param mean per-channel mean subtracted after scaling to [0,1]
 * @param std per-channel standard deviation divided by after subtracting the mean
 */
public record PreprocessSpec(
    ColorMode color,
    int resizeShorter,
    int cropHeight,
    int cropWidth,
    Interpolation interpolation,
    float[] mean,
    float[] std) {

  /** Colour conversion applied after decoding. */
  public enum ColorMode {
    GRAYSCALE(1),
    RGB(3);

    private final int channels;

    ColorMode(int channels) {
      this.channels = channels;
    }

    public int channels() {
      return channels;
    }
  }

  /** Resize filter, as torchvision's {@code InterpolationMode}. */
  public enum Interpolation {
    BILINEAR,
    BICUBIC
  }

  /** ImageNet statistics used by torchvision's classification weights. */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};

  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  public PreprocessSpec {
    Objects.requireNonNull(color, "color");
    Objects.requireNonNull(interpolation, "interpolation");
    if (mean.length != color.channels() || std.length != color.channels()) {
      throw new IllegalArgumentException("mean and std need one value per channel");
    }
    if (resizeShorter < Math.min(cropHeight, cropWidth) || cropHeight <= 0 || cropWidth <= 0) {
      throw new IllegalArgumentException("resize must be at least the crop size");
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** The usual ImageNet pipeline: RGB, resize to {@code resize}, crop {@code crop}. */
  public static PreprocessSpec imagenet(int resize, int crop, Interpolation interpolation) {
    return new PreprocessSpec(
        ColorMode.RGB, resize, crop, crop, interpolation, IMAGENET_MEAN, IMAGENET_STD);
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PreprocessSpec p
        && color == p.color
        && resizeShorter == p.resizeShorter
        && cropHeight == p.cropHeight
        && cropWidth == p.cropWidth
        && interpolation == p.interpolation
        && Arrays.equals(mean, p.mean)
        && Arrays.equals(std, p.std);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        color, resizeShorter, cropHeight, cropWidth, interpolation,
        Arrays.hashCode(mean), Arrays.hashCode(std));
  }

  @Override
  public String toString() {
    return "PreprocessSpec[" + color + ", resize " + resizeShorter + " " + interpolation
        + ", crop " + cropHeight + "x" + cropWidth + ", mean " + Arrays.toString(mean)
        + ", std " + Arrays.toString(std) + "]";
  }
}
