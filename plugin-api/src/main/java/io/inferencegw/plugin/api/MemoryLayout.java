package io.inferencegw.plugin.api;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The memory layout of a network's convolution weights. LibTorch's CPU convolutions (oneDNN) are
 * fastest on channels-last data (NHWC in memory, the logical shape stays NCHW): measured on 2
 * cores, 1.2-2.8 times the images per second of the default layout for the convolutional
 * families, no change for the transformers. Operators that do not depend on the layout give the
 * same results either way; code that reshapes activations with {@code view} may not, so the
 * gateway checks a network's output in both layouts before it serves channels-last.
 */
public final class MemoryLayout {

  private MemoryLayout() {}

  /** Stores every 4-d parameter (convolution weights) channels-last, in place. */
  public static void channelsLast(Module network) {
    restride(network, torch.MemoryFormat.ChannelsLast);
  }

  /** Stores every 4-d parameter in the default contiguous layout again, in place. */
  public static void contiguous(Module network) {
    restride(network, torch.MemoryFormat.Contiguous);
  }

  private static void restride(Module network, torch.MemoryFormat format) {
    try (PointerScope scope = new PointerScope()) {
      TensorVector parameters = network.parameters();
      for (long i = 0; i < parameters.size(); i++) {
        Tensor p = parameters.get(i);
        if (p.dim() == 4) {
          p.set_data(p.contiguous(format));
        }
      }
    }
  }
}
