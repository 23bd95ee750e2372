package io.inferencegw.gateway.worker;

import io.inferencegw.gateway.config.PreprocessingMode;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.gateway.preprocess.DecodedImage;
import io.inferencegw.gateway.preprocess.FastImageDecoder;
import io.inferencegw.gateway.preprocess.ImageDecoder;
import io.inferencegw.gateway.preprocess.ImagePreprocessor;
import io.inferencegw.gateway.preprocess.TensorInput;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.VariantSpec;
import java.nio.ByteBuffer;
import java.util.function.Function;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Prepares inputs for one variant: decodes images and converts their colour as the network
 * needs, then preprocesses them into batch rows; preprocessed tensors are copied as they are.
 */
public final class ModelInputPreparer implements InputPreparer {

  private final ColorMode color;
  private final Function<byte[], DecodedImage> decoder;
  private final ImagePreprocessor preprocessor;

  /** A preparer with the default preprocessing mode. */
  public ModelInputPreparer(VariantSpec spec, InputLimits limits) {
    this(spec, limits, PreprocessingMode.DEFAULT);
  }

  public ModelInputPreparer(VariantSpec spec, InputLimits limits, PreprocessingMode mode) {
    this.color = spec.preprocess().color();
    ImageDecoder exact = new ImageDecoder(limits.maxImageBytes(), limits.maxImagePixels());
    if (mode == PreprocessingMode.EXACT) {
      this.decoder = bytes -> exact.decode(bytes, color);
    } else {
      FastImageDecoder fast = new FastImageDecoder(exact, spec.preprocess().resizeShorter());
      this.decoder = bytes -> fast.decode(bytes, color);
    }
    this.preprocessor = new ImagePreprocessor(spec.preprocess(), mode == PreprocessingMode.FAST);
  }

  @Override
  public Sample prepare(ModelInput input) {
    if (input instanceof ModelInput.EncodedImage e) {
      return image(decoder.apply(e.bytes()));
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

  /**
   * Decodes and preprocesses an image input into the network input [C, H, W], on the calling
   * thread (the input stage's), with the same arithmetic as a batch row.
   *
   * @throws GatewayException INVALID_ARGUMENT for input that is not a valid image
   */
  public float[] prepareValues(ModelInput input) {
    Sample sample = prepare(input);
    long[] shape = preprocessor.inputShape();
    try (PointerScope scope = new PointerScope()) {
      Tensor values = torch.empty(shape[0], shape[1], shape[2]);
      sample.writeInto(values);
      float[] out = new float[(int) values.numel()];
      new FloatPointer(values.data_ptr()).get(out);
      return out;
    }
  }

  /** A sample that an input stage already prepared: its values are copied into the row. */
  public static Sample prepared(float[] values) {
    return row -> TensorInput.copyValuesInto(values, row);
  }
}
