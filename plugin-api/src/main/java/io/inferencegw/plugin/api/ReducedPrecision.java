package io.inferencegw.plugin.api;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Runs a network in bfloat16 or float16 by converting its weights, not by LibTorch's autocast.
 *
 * <p>Why converted weights: autocast leaves the weights in float32 and casts operands at every
 * convolution and matrix product of every forward pass, where converted weights are cast once,
 * at load. Both are equally close to float32 (measured on resnet18: the same largest difference
 * from it). On resnet18 at batch 8 (2-core AVX2 machine, bf16 emulated by
 * oneDNN), autocast took 75 s per batch against 36 s for converted weights in the same layout,
 * and 7.1 s for converted weights in the channels-last layout that CPU replicas serve in
 * (float32: 3.1 s); figures in docs/benchmarks.md. Converted weights also halve the replica's
 * memory. What autocast would add is keeping numerically sensitive operators (softmax, norms)
 * in float32: the gateway takes softmax and top-k on float32 logits, and checks top-1
 * agreement with float32 when a replica warms up.
 */
public final class ReducedPrecision {

  private ReducedPrecision() {}

  /**
   * Converts every floating-point parameter and buffer (BatchNorm statistics included) to
   * {@code dtype}, in place, keeping each tensor's memory layout. Integer buffers stay as they
   * are: LibTorch's {@code Module::to(dtype)}, unlike PyTorch's {@code Module.to}, converts
   * those as well, which turns index tables (Swin's relative position index) into bf16 values
   * that no longer index and, above 256, no longer hold the integers.
   */
  public static void convert(Module network, ScalarType dtype) {
    try (PointerScope scope = new PointerScope()) {
      convertFloating(network.parameters(true), dtype);
      convertFloating(network.buffers(true), dtype);
    }
  }

  private static void convertFloating(TensorVector tensors, ScalarType dtype) {
    for (long i = 0; i < tensors.size(); i++) {
      Tensor t = tensors.get(i);
      if (t.is_floating_point()) {
        t.set_data(t.to(dtype));
      }
    }
  }

  /**
   * One forward pass of a network {@linkplain #convert converted} to {@code dtype}: the float32
   * input is cast to it (keeping its layout), and the logits come back as float32, so that
   * softmax and top-k never run in the narrow format.
   */
  public static Tensor forward(ClassifierModule network, Tensor input, ScalarType dtype) {
    return network.forward(input.to(dtype)).to(ScalarType.Float);
  }
}
