package io.inferencegw.plugins.densenet;

import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import java.util.List;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * torchvision's {@code _DenseLayer} (DenseNet-BC): batch norm, ReLU, 1x1 convolution to
 * {@code bn_size * growth_rate} channels, batch norm, ReLU, 3x3 convolution to
 * {@code growth_rate} channels (no biases). Registered as {@code norm1, conv1, norm2, conv2}.
 *
 * <p>Its input is all the features of the block so far; {@link DenseBlock} hands them over as
 * one tensor instead of the list torchvision concatenates in every layer. Memory-efficient
 * checkpointing only matters for training and is not implemented.
 */
final class DenseLayer extends Module implements Layer {

  private final List<Layer> layers;
  private final double dropRate;

  DenseLayer(int numInputFeatures, int growthRate, int bnSize, double dropRate) {
    BatchNorm2dImpl norm1 = register_module("norm1", Layers.batchNorm2d(numInputFeatures));
    Conv2dImpl conv1 = register_module("conv1", DenseNet.init(
        Layers.conv2d(numInputFeatures, bnSize * growthRate, 1, 1, 0, 1, 1, false)));
    BatchNorm2dImpl norm2 = register_module("norm2", Layers.batchNorm2d(bnSize * growthRate));
    Conv2dImpl conv2 = register_module("conv2", DenseNet.init(
        Layers.conv2d(bnSize * growthRate, growthRate, 3, 1, 1, 1, 1, false)));
    this.layers = List.of(norm1::forward, Layers.RELU, conv1::forward,
        norm2::forward, Layers.RELU, conv2::forward);
    this.dropRate = dropRate;
  }

  /** The {@code growth_rate} new feature maps computed from {@code features}. */
  @Override
  public Tensor forward(Tensor features) {
    Tensor out = Layers.chain(features, layers);
    if (dropRate > 0 && is_training()) {
      Tensor dropped = torch.dropout(out, dropRate, true);
      out.close();
      return dropped;
    }
    return out;
  }
}
