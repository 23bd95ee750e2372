package io.inferencegw.gateway.worker;

import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.gateway.preprocess.DecodedImage;
import io.inferencegw.gateway.preprocess.ImageDecoder;
import io.inferencegw.gateway.preprocess.ImagePreprocessor;
import io.inferencegw.gateway.preprocess.TensorInput;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.VariantSpec;
import java.nio.ByteBuffer;

/**
 * Prepares inputs for one variant: decodes images and converts their colour as the network
 * needs, then preprocesses them into batch rows; preprocessed tensors are copied as they are.
 */
public final class ModelInputPreparer implements InputPreparer {

  private final ColorMode color;
  private final ImageDecoder decoder;
  private final ImagePreprocessor preprocessor;

  public ModelInputPreparer(VariantSpec spec, InputLimits limits) {
    this.color = spec.preprocess().color();
    this.decoder = new ImageDecoder(limits.maxImageBytes(), limits.maxImagePixels());
    this.preprocessor = new ImagePreprocessor(spec.preprocess());
  }

  @Override
  public Sample prepare(ModelInput input) {
    if (input instanceof ModelInput.EncodedImage e) {
      return image(decoder.decode(e.bytes(), color));
    }
    if (input instanceof ModelInput.RawPixels r) {
      return image(r.image().toChannels(color.channels()));
    }
    ModelInput.PreprocessedTensor t = (ModelInput.PreprocessedTensor) input;
    return row -> TensorInput.copyInto(t.shape(), ByteBuffer.wrap(t.data()), row);
  }

  private Sample image(DecodedImage image) {
    return row -> preprocessor.preprocess(image, row);
  }
}
