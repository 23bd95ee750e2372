package io.inferencegw.plugins.densenet;

import io.inferencegw.plugin.api.blocks.Layer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's {@code _DenseBlock}: layers {@code denselayer1..N}, layer {@code i} seeing the
 * block's input and the outputs of all layers before it, concatenated along the channels; the
 * block's output is the concatenation of all of them ({@code in + N * growth_rate} channels).
 *
 * <p>torchvision concatenates the growing list anew for every layer (quadratic copying). Here
 * the block's output tensor is allocated once: the input is copied to its first channels, each
 * layer reads the channels filled so far (a view, no copy) and writes its {@code growth_rate}
 * new channels after them. Same numbers, one copy per feature map.
 */
final class DenseBlock extends Module implements Layer {

  private final List<DenseLayer> layers = new ArrayList<>();
  private final int inputFeatures;
  private final int growthRate;

  DenseBlock(int numLayers, int numInputFeatures, int bnSize, int growthRate, double dropRate) {
    this.inputFeatures = numInputFeatures;
    this.growthRate = growthRate;
    for (int i = 0; i < numLayers; i++) {
      layers.add(register_module("denselayer" + (i + 1),
          new DenseLayer(numInputFeatures + i * growthRate, growthRate, bnSize, dropRate)));
    }
  }

  /** The dense layer at {@code index} (0-based; registered as {@code denselayer<index+1>}). */
  DenseLayer layer(int index) {
    return layers.get(index);
  }

  int outputFeatures() {
    return inputFeatures + layers.size() * growthRate;
  }

  @Override
  public Tensor forward(Tensor input) {
    Tensor out = input.new_empty(input.size(0), outputFeatures(), input.size(2), input.size(3));
    copyInto(out, 0, input);
    long filled = inputFeatures;
    for (DenseLayer layer : layers) {
      Tensor features = out.narrow(1, 0, filled);
      Tensor grown = layer.forward(features);
      features.close();
      copyInto(out, filled, grown);
      grown.close();
      filled += growthRate;
    }
    return out;
  }

  private static void copyInto(Tensor out, long channel, Tensor source) {
    Tensor slot = out.narrow(1, channel, source.size(1));
    slot.copy_(source);
    slot.close();
  }
}
