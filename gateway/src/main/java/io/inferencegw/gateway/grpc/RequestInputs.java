package io.inferencegw.gateway.grpc;

import io.inferencegw.gateway.admission.ModelInputs;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.RawImage;

/** The input of a {@code ClassifyRequest} as a {@link ModelInput}, checked as every input is. */
final class RequestInputs {

  private RequestInputs() {}

  static ModelInput of(ClassifyRequest req, VariantSpec spec, InputLimits limits) {
    return switch (req.getInputCase()) {
      case IMAGE -> ModelInputs.encodedImage(req.getImage().toByteArray(), limits);
      case RAW -> raw(req.getRaw(), limits);
      case TENSOR -> ModelInputs.tensor(req.getTensor().getShapeList(),
          req.getTensor().getData().asReadOnlyByteBuffer(), spec);
      case INPUT_NOT_SET -> throw GatewayException.invalid(
          "request has no input: set one of image, raw or tensor");
    };
  }

  private static ModelInput raw(RawImage raw, InputLimits limits) {
    return ModelInputs.rawPixels(
        raw.getWidth(), raw.getHeight(), raw.getChannels(), raw.getPixels().toByteArray(), limits);
  }
}
