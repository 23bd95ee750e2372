package io.inferencegw.gateway.stream;

import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.gateway.admission.ModelInputs;

/**
 * How a stream's binary messages are to be read; a control message switches it. Only cheap
 * checks happen here (on the event loop); decoding happens on the device worker.
 */
sealed interface FrameFormat {

  /** The default: each binary message is an encoded JPEG or PNG. */
  FrameFormat ENCODED = new Encoded();

  /** @throws io.inferencegw.gateway.core.GatewayException INVALID_ARGUMENT for a bad frame */
  ModelInput toInput(byte[] message, InputLimits limits);

  record Encoded() implements FrameFormat {
    @Override
    public ModelInput toInput(byte[] message, InputLimits limits) {
      return ModelInputs.encodedImage(message, limits);
    }
  }

  /** Raw uint8 pixels, rows of {@code width * channels} bytes, channels interleaved (HWC). */
  record Raw(int width, int height, int channels) implements FrameFormat {
    @Override
    public ModelInput toInput(byte[] message, InputLimits limits) {
      return ModelInputs.rawPixels(width, height, channels, message, limits);
    }
  }
}
