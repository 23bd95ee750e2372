package io.inferencegw.plugin.api;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Runs a network in bfloat16 or float16 by converting its weights, not by LibTorch's autocast.
 *
 * <p>Why converted weights: autocast casts each weight to the narrow format inside every
 * convolution and matrix product, on every forward pass, because its cast cache only keeps
 * weights that require gradients, and inference weights do not. Measured on resnet18 and
 * resnet50 at batch 8 (2-core AVX2 machine, bf16 emulated by oneDNN), autocast took 8 to 15
 * times as long per batch as converted weights with the same logits (see the precision section
 * of docs/benchmarks.md). Converted weights also halve the replica's memory. Autocast would
 * keep numerically sensitive operators (softmax, norms) in float32; the gateway compensates by
 * taking softmax and top-k on float32 logits, and by checking top-1 agreement with float32
 * when a replica warms up.
 */
public final class ReducedPrecision {

  private ReducedPrecision() {}

  /**
   * Converts every floating-point parameter and buffer (BatchNorm statistics included) to
   * {@code dtype}, in place, keeping each tensor's memory layout. Integer buffers (index tables)
   * stay as they are.
   */
  public static void convert(Module network, ScalarType dtype) {
    network.to(dtype, false);
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
