package io.inferencegw.gateway.grpc;

import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.gateway.preprocess.DecodedImage;
import io.inferencegw.gateway.preprocess.TensorInput;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.RawImage;

/**
 * Turns the input of a {@code ClassifyRequest} into a {@link ModelInput}, with the checks that
 * are cheap enough for an event loop: presence, sizes, shapes and tensor values. Decoding happens
 * later, off the event loop. The image and pixel checks are public: WebSocket frames get the same ones.
 */
public final class RequestInputs {

  private RequestInputs() {}

  static ModelInput of(ClassifyRequest req, VariantSpec spec, InputLimits limits) {
    return switch (req.getInputCase()) {
      case IMAGE -> encodedImage(req.getImage().toByteArray(), limits);
      case RAW -> raw(req.getRaw(), limits);
      case TENSOR -> tensor(req.getTensor(), spec);
      case INPUT_NOT_SET -> throw GatewayException.invalid(
          "request has no input: set one of image, raw or tensor");
    };
  }

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

  private static ModelInput raw(RawImage raw, InputLimits limits) {
    return rawPixels(
        raw.getWidth(), raw.getHeight(), raw.getChannels(), raw.getPixels().toByteArray(), limits);
  }

  /** Raw uint8 HWC pixels: 1 or 3 channels, within the pixel limit, exactly W*H*C bytes. */
  public static ModelInput rawPixels(
      int width, int height, int channels, byte[] pixels, InputLimits limits) {
    return new ModelInput.RawPixels(
        DecodedImage.fromRaw(width, height, channels, pixels, limits.maxImagePixels()));
  }

  private static ModelInput tensor(io.inferencegw.proto.v1.Tensor t, VariantSpec spec) {
    long[] chw = spec.inputShape().stream().mapToLong(Integer::longValue).toArray();
    TensorInput.validate(t.getShapeList(), t.getData().size(), chw);
    TensorInput.requireFinite(t.getData().asReadOnlyByteBuffer());
    return new ModelInput.PreprocessedTensor(t.getShapeList(), t.getData().toByteArray());
  }
}
