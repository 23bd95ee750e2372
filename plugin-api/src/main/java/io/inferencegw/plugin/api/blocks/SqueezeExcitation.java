package io.inferencegw.plugin.api.blocks;

import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * torchvision's {@code ops.SqueezeExcitation} (Hu et al., 2017): a per-channel scale
 * {@code sigma(fc2(delta(fc1(avgpool(x)))))} multiplies the input. {@code fc1} and {@code fc2}
 * are 1x1 convolutions with bias, so the keys are {@code fc1.weight}, {@code fc1.bias},
 * {@code fc2.weight}, {@code fc2.bias}. {@code delta} is ReLU and {@code sigma} sigmoid by
 * default; MobileNetV3 takes Hardsigmoid as {@code sigma}, EfficientNet SiLU as {@code delta}.
 *
 * <p>The scale is applied in place to the input, which is returned (as an in-place activation
 * does, see {@link Layer}): the block sits after a convolution whose output nobody else holds,
 * and this saves a copy of the activation. Where the input takes part in autograd
 * ({@code requires_grad}), a new tensor is returned instead, as torchvision's {@code scale * x}.
 */
public final class SqueezeExcitation extends Module implements Layer {

  private static final long[] ONE_BY_ONE = {1, 1};

  private final Conv2dImpl fc1;
  private final Conv2dImpl fc2;
  private final Activation activation;
  private final Activation scaleActivation;

  /** ReLU and sigmoid, torchvision's defaults. */
  public SqueezeExcitation(int inputChannels, int squeezeChannels) {
    this(inputChannels, squeezeChannels, Activation.RELU, Activation.SIGMOID);
  }

  public SqueezeExcitation(int inputChannels, int squeezeChannels, Activation activation,
      Activation scaleActivation) {
    super();
    fc1 = register_module("fc1", Layers.conv2d(inputChannels, squeezeChannels, 1, 1, 0));
    fc2 = register_module("fc2", Layers.conv2d(squeezeChannels, inputChannels, 1, 1, 0));
    this.activation = activation;
    this.scaleActivation = scaleActivation;
  }

  public Conv2dImpl fc1() {
    return fc1;
  }

  public Conv2dImpl fc2() {
    return fc2;
  }

  /** The per-channel scale {@code [N, C, 1, 1]} for {@code input}. */
  public Tensor scale(Tensor input) {
    Tensor pooled = torch.adaptive_avg_pool2d(input, ONE_BY_ONE);
    // the pooled tensors are tiny; each intermediate handle is still closed right away
    Tensor scale = Layers.chain(pooled, fc1::forward, activation.layer(), fc2::forward,
        scaleActivation.layer());
    pooled.close();
    return scale;
  }

  @Override
  public Tensor forward(Tensor input) {
    Tensor scale = scale(input);
    try {
      if (input.requires_grad()) {
        return input.mul(scale);
      }
      input.mul_(scale);
      return input;
    } finally {
      scale.close();
    }
  }

  @Override
  public String toString() {
    return "SqueezeExcitation(" + fc2.options().out_channels().get() + " -> "
        + fc1.options().out_channels().get() + ", " + activation + ", " + scaleActivation + ")";
  }
}
