package io.inferencegw.gateway.worker;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** A tensor's values copied into a Java array, from whichever device and type it is on. */
final class HostArrays {

  private HostArrays() {}

  static float[] floats(Tensor t) {
    Tensor c = t.to(torch.ScalarType.Float).cpu().contiguous();
    float[] out = new float[(int) c.numel()];
    new FloatPointer(c.data_ptr()).get(out);
    return out;
  }

  static long[] longs(Tensor t) {
    Tensor c = t.to(torch.ScalarType.Long).cpu().contiguous();
    long[] out = new long[(int) c.numel()];
    new LongPointer(c.data_ptr()).get(out);
    return out;
  }
}
