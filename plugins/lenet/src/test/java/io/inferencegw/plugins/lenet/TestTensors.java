package io.inferencegw.plugins.lenet;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Copies small tensors into Java arrays for assertions. */
final class TestTensors {

  private TestTensors() {}

  static float[] toFloats(Tensor t) {
    Tensor c = t.to(ScalarType.Float).contiguous();
    float[] out = new float[(int) c.numel()];
    FloatPointer data = c.data_ptr_float();
    data.get(out);
    return out;
  }
}
