package io.inferencegw.gateway.admission;

import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.gateway.preprocess.DecodedImage;
import io.inferencegw.gateway.preprocess.TensorInput;
import io.inferencegw.plugin.api.VariantSpec;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The three kinds of input every front end takes, made into a {@link ModelInput} with the checks
 * that are cheap enough for an event loop: presence, sizes, shapes and tensor values. Decoding
 * happens later, off the event loop. gRPC calls, WebSocket frames and OIP tensors all get these
 * same checks.
 */
public final class ModelInputs {

  private ModelInputs() {}

  /** An encoded JPEG/PNG/BMP: non-empty and within the encoded-size limit. */
  public static ModelInput encodedImage(byte[] bytes, InputLimits limits) {
    if (bytes.length == 0) {
      throw GatewayException.invalid("image is empty");
    }
    if (bytes.length > limits.maxImageBytes()) {
      throw GatewayException.invalid(
          "image of " + bytes.length + " bytes exceeds the limit of " + limits.maxImageBytes()
              + " bytes");
    }
    return new ModelInput.EncodedImage(bytes);
  }

  /** Raw uint8 HWC pixels: 1 or 3 channels, within the pixel limit, exactly W*H*C bytes. */
  public static ModelInput rawPixels(
      int width, int height, int channels, byte[] pixels, InputLimits limits) {
    return new ModelInput.RawPixels(
        DecodedImage.fromRaw(width, height, channels, pixels, limits.maxImagePixels()));
  }

  /**
   * A preprocessed float32 NCHW tensor (little-endian) of batch 1 and the model's input shape,
   * every value finite.
   */
  public static ModelInput tensor(List<Long> shape, ByteBuffer data, VariantSpec spec) {
    long[] chw = spec.inputShape().stream().mapToLong(Integer::longValue).toArray();
    TensorInput.validate(shape, data.remaining(), chw);
    TensorInput.requireFinite(data.duplicate());
    byte[] bytes = new byte[data.remaining()];
    data.duplicate().get(bytes);
    return new ModelInput.PreprocessedTensor(shape, bytes);
  }
}
