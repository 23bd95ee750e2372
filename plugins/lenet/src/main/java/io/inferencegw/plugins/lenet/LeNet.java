package io.inferencegw.plugins.lenet;

import io.inferencegw.plugin.api.ClassifierModule;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * LeNet-5 (LeCun et al., 1998) for 28x28 single-channel input, as commonly restated: the 32x32
 * input of the paper becomes 28x28 with padding 2 on C1, and C5 is a full 5x5 convolution.
 *
 * <pre>
 *   conv1 1->6   5x5 pad 2  -> act -> pool 2x2   28x28 -> 14x14
 *   conv2 6->16  5x5        -> act -> pool 2x2   14x14 -> 5x5
 *   conv3 16->120 5x5       -> act               5x5   -> 1x1
 *   fc1   120->84           -> act
 *   fc2   84->numClasses
 * </pre>
 *
 * <p>The submodules are registered as {@code conv1, conv2, conv3, fc1, fc2}, so the state_dict
 * keys are {@code conv1.weight, conv1.bias, ...}, identical to the torch module in
 * {@code src/test/python/lenet_reference.py}.
 */
public final class LeNet extends ClassifierModule {

  /** Nonlinearity after every layer but the last. */
  public enum Activation {
    SIGMOID,
    RELU
  }

  /** Subsampling after the first two convolutions. */
  public enum Pooling {
    AVG,
    MAX
  }

  static final int IN_CHANNELS = 1;
  static final int C1 = 6;
  static final int C3 = 16;
  static final int C5 = 120;
  static final int F6 = 84;
  static final int KERNEL = 5;

  private final Activation activation;
  private final Pooling pooling;
  private final Conv2dImpl conv1;
  private final Conv2dImpl conv2;
  private final Conv2dImpl conv3;
  private final LinearImpl fc1;
  private final LinearImpl fc2;

  public LeNet(Activation activation, Pooling pooling, int numClasses) {
    this.activation = activation;
    this.pooling = pooling;
    conv1 = register_module("conv1", conv(IN_CHANNELS, C1, 2));
    conv2 = register_module("conv2", conv(C1, C3, 0));
    conv3 = register_module("conv3", conv(C3, C5, 0));
    fc1 = register_module("fc1", new LinearImpl(C5, F6));
    fc2 = register_module("fc2", new LinearImpl(F6, numClasses));
  }

  private static Conv2dImpl conv(int in, int out, int padding) {
    Conv2dOptions options = new Conv2dOptions(in, out, new LongPointer(KERNEL, KERNEL));
    options.padding().put(new LongPointer(padding, padding));
    return new Conv2dImpl(options);
  }

  @Override
  public Tensor forward(Tensor input) {
    Tensor x = pool(act(conv1.forward(input)));
    x = pool(act(conv2.forward(x)));
    x = torch.flatten(act(conv3.forward(x)), 1, -1);
    x = act(fc1.forward(x));
    return fc2.forward(x);
  }

  private Tensor act(Tensor x) {
    return activation == Activation.SIGMOID ? torch.sigmoid(x) : torch.relu(x);
  }

  private Tensor pool(Tensor x) {
    return pooling == Pooling.AVG ? torch.avg_pool2d(x, 2, 2) : torch.max_pool2d(x, 2, 2);
  }
}
