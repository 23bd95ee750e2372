package io.inferencegw.gateway.core;

import io.inferencegw.gateway.preprocess.DecodedImage;
import java.util.List;

/**
 * What a client sent to classify. Only cheap checks happen when it is created (on the event
 * loop); decoding and preprocessing happen on the device worker.
 */
public sealed interface ModelInput {

  /** The heap the input holds while it waits: its bytes or pixels. */
  default long heapBytes() {
    if (this instanceof EncodedImage e) {
      return e.bytes().length;
    }
    if (this instanceof RawPixels r) {
      return r.image().pixels().length;
    }
    return ((PreprocessedTensor) this).data().length;
  }

  /** An encoded JPEG, PNG or BMP; goes through the model's preprocessing. */
  record EncodedImage(byte[] bytes) implements ModelInput {}

  /** Client pixels, already checked; go through the model's preprocessing. */
  record RawPixels(DecodedImage image) implements ModelInput {}

  /** float32 little-endian CHW with its shape, already checked; goes to the network as is. */
  record PreprocessedTensor(List<Long> shape, byte[] data) implements ModelInput {}
}
