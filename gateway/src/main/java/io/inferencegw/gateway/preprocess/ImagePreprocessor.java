package io.inferencegw.gateway.preprocess;

import io.inferencegw.plugin.api.PreprocessSpec;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InterpolateFuncOptions;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.kBicubic;
import org.bytedeco.pytorch.kBilinear;

/**
 * Turns a {@link DecodedImage} into one network input [C, H, W] exactly as torchvision's
 * evaluation pipeline on tensors does:
 *
 * <pre>{@code
 * Compose([Resize(resize_shorter, interpolation, antialias=True),
 *          CenterCrop((crop_h, crop_w)), ToTensor(), Normalize(mean, std)])
 * }</pre>
 *
 * <p>The arithmetic runs in LibTorch ({@code interpolate} with {@code align_corners=false} and
 * {@code antialias=true}, then {@code copy_}, {@code sub_}, {@code div_}), and the result is
 * written into a destination the caller owns, normally {@code batch.select(0, i)} of the batch
 * tensor [N, C, H, W]: no per-sample output tensor, no final {@code stack}.
 *
 * <p>Order of operations, and why it is equivalent: the resize runs on the float image in
 * [0, 255] and the scaling by 1/255 is folded into the normalisation,
 * {@code (x - 255 mean) / (255 std)}. Resizing and cropping are linear, so this equals
 * {@code Normalize(Resize(ToTensor(img)))} up to float rounding (below 1e-5). The bicubic
 * filter overshoots and is not clamped, as torchvision does not clamp float tensors either.
 * When the shorter side already has the target length the resize is skipped (torchvision does
 * the same), and the crop is then read straight from the uint8 pixels.
 *
 * <p>Constructed with {@code resizeBytes}, the resize runs on the uint8 pixels instead (the
 * fast preprocessing mode): each resized value is rounded to a whole level, the price of a
 * vectorised kernel that is about ten times faster.
 *
 * <p>Native memory: every tensor this class creates lives in a {@link PointerScope} that closes
 * before {@link #preprocess} returns, so peak memory is one image's intermediates, not a whole
 * batch's. The destination is not touched by that scope. Nothing is held in fields; an instance
 * is immutable and can be shared, but LibTorch calls belong on the worker thread.
 */
public final class ImagePreprocessor {

  private final PreprocessSpec spec;
  private final boolean resizeBytes;
  private final int channels;
  private final double[] scaledMean;
  private final double[] scaledStd;

  /** torchvision's arithmetic: the resize runs on a float copy of the image. */
  public ImagePreprocessor(PreprocessSpec spec) {
    this(spec, false);
  }

  /**
   * @param resizeBytes resize the 8-bit pixels themselves, with LibTorch's vectorised uint8
   *     kernel (as torchvision's transforms v2 do on uint8 tensors): about ten times faster than
   *     on a float copy, with each resized value rounded to a whole level (at most one level
   *     from the float result, and bicubic overshoot clipped to 0..255)
   */
  public ImagePreprocessor(PreprocessSpec spec, boolean resizeBytes) {
    this.spec = spec;
    this.resizeBytes = resizeBytes;
    this.channels = spec.color().channels();
    float[] mean = spec.mean();
    float[] std = spec.std();
    this.scaledMean = new double[channels];
    this.scaledStd = new double[channels];
    for (int c = 0; c < channels; c++) {
      if (!(std[c] > 0) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c])) {
        throw new IllegalArgumentException("std must be positive and mean finite: " + spec);
      }
      scaledMean[c] = 255.0 * mean[c];
      scaledStd[c] = 255.0 * std[c];
    }
  }

  public PreprocessSpec spec() {
    return spec;
  }

  /** The shape of one preprocessed sample, [C, cropHeight, cropWidth]. */
  public long[] inputShape() {
    return new long[] {channels, spec.cropHeight(), spec.cropWidth()};
  }

  /**
   * Preprocesses {@code image} into {@code destination}.
   *
   * @param image decoded pixels; converted to the spec's colour mode first if needed
   * @param destination a float32 tensor of shape {@link #inputShape()} on any device, typically
   *     a view into the batch tensor; every element is overwritten
   * @throws IllegalArgumentException when the destination has the wrong shape or type
   */
  public void preprocess(DecodedImage image, Tensor destination) {
    checkDestination(destination);
    DecodedImage pixels = image.toChannels(channels);
    int h = pixels.height();
    int w = pixels.width();
    try (PointerScope scope = new PointerScope()) {
      BytePointer data = new BytePointer(pixels.pixels());
      Tensor chw = torch.from_blob(
              data, new long[] {h, w, channels}, new TensorOptions(torch.ScalarType.Byte))
          .permute(2, 0, 1);
      long[] size = resizedSize(h, w, spec.resizeShorter());
      Tensor resized = size[0] == h && size[1] == w ? chw : resize(chw, size);
      centerCropInto(resized, size[0], size[1], destination);
      for (int c = 0; c < channels; c++) {
        destination.select(0, c)
            .sub_(new Scalar(scaledMean[c]))
            .div_(new Scalar(scaledStd[c]));
      }
    }
  }

  /**
   * torchvision's {@code _compute_resized_output_size} for an int size: the shorter side
   * becomes {@code shorter}, the longer one {@code int(shorter * long / short)} (truncated, as
   * Python's {@code int()} of a float). Returns [height, width].
   */
  static long[] resizedSize(long height, long width, long shorter) {
    long shortSide = Math.min(height, width);
    long longSide = Math.max(height, width);
    long newLong = (long) ((double) (shorter * longSide) / shortSide);
    return width <= height ? new long[] {newLong, shorter} : new long[] {shorter, newLong};
  }

  /** Antialiased bilinear or bicubic resize of a [C, H, W] image to {@code size} = [h, w]. */
  private Tensor resize(Tensor chw, long[] size) {
    InterpolateFuncOptions options = new InterpolateFuncOptions();
    options.size().put(new LongVector(size[0], size[1]));
    switch (spec.interpolation()) {
      case BILINEAR -> options.mode().put(new kBilinear());
      case BICUBIC -> options.mode().put(new kBicubic());
      default -> throw new IllegalStateException("unknown interpolation " + spec.interpolation());
    }
    options.align_corners().put(false);
    options.antialias().put(true);
    // The permuted uint8 view is channels-last, which the uint8 kernel wants; converted, it is a
    // channels-last float tensor. interpolate takes any strides, and making it contiguous first
    // would only add a copy of the whole image.
    Tensor batchOfOne = (resizeBytes ? chw : chw.to(torch.ScalarType.Float)).unsqueeze(0);
    return torch.interpolate(batchOfOne, options).squeeze(0);
  }

  /**
   * torchvision's {@code center_crop}: where the image is smaller than the crop it is padded
   * with zeros (before normalisation, so the padding ends up as {@code -mean/std}), split
   * {@code (crop - size) // 2} before and the rest after; otherwise the offset is
   * {@code int(round((size - crop) / 2.0))}, and Python rounds half to even, as
   * {@link Math#rint} does.
   */
  private void centerCropInto(Tensor image, long height, long width, Tensor destination) {
    Window rows = Window.of(height, spec.cropHeight());
    Window cols = Window.of(width, spec.cropWidth());
    if (rows.padded() || cols.padded()) {
      destination.zero_();
    }
    destination
        .narrow(1, rows.destinationOffset(), rows.length())
        .narrow(2, cols.destinationOffset(), cols.length())
        .copy_(image
            .narrow(1, rows.sourceOffset(), rows.length())
            .narrow(2, cols.sourceOffset(), cols.length()));
  }

  /** Where one axis of the crop comes from in the image and lands in the destination. */
  record Window(long sourceOffset, long destinationOffset, long length, boolean padded) {
    static Window of(long size, long crop) {
      if (crop > size) {
        return new Window(0, (crop - size) / 2, size, true);
      }
      return new Window((long) Math.rint((size - crop) / 2.0), 0, crop, false);
    }
  }

  private void checkDestination(Tensor destination) {
    long[] expected = inputShape();
    long[] actual = TensorChecks.sizes(destination);
    if (!Arrays.equals(expected, actual)
        || !TensorChecks.isFloat32(destination)) {
      throw new IllegalArgumentException("destination must be float32 "
          + Arrays.toString(expected) + ", got " + destination.scalar_type().intern() + " "
          + Arrays.toString(actual));
    }
  }
}
