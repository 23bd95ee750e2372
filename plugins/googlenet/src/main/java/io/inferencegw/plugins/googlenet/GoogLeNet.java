package io.inferencegw.plugins.googlenet;

import static io.inferencegw.plugin.api.blocks.Layers.FLATTEN;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugin.api.blocks.inception.TransformInput;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.DropoutImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;

/**
 * GoogLeNet (Inception v1; Szegedy et al. 2014, "Going deeper with convolutions") as
 * torchvision's {@code models/googlenet.py}: the stem {@code conv1} (7x7/2), max pool,
 * {@code conv2} (1x1), {@code conv3} (3x3), max pool, the {@link Inception} modules 3a-3b, max
 * pool, 4a-4e, max pool, 5a-5b (table 1 of the paper), average pool, {@code dropout} (0.2) and
 * {@code fc}. Every convolution is a {@link BasicConv2d}; max pools use ceil mode.
 *
 * <p>The auxiliary classifiers {@code aux1} (after 4a) and {@code aux2} (after 4d) are built and
 * registered as torchvision does by default ({@code aux_logits=True}), after {@code inception5b}
 * and before {@code fc}, so checkpoints with their keys load strictly. torchvision evaluates
 * them only in training mode, and returns the main logits alone in eval mode; this network's
 * {@link #forward} always returns the main logits, which in eval mode is exactly torchvision's.
 *
 * <p>{@code transformInput} is torchvision's {@code transform_input}: when set, the network first
 * maps ImageNet-normalised input to {@code (x - 0.5) / 0.5} ({@link TransformInput}), what the
 * TensorFlow-ported weights expect. torchvision's default is off; {@code googlenet(weights=...)}
 * turns it on.
 *
 * <p>A fresh network is initialised as torchvision's {@code init_weights=True}: every
 * convolution and linear weight from a normal distribution with std 0.01 truncated to [-2, 2],
 * batch norm weights 1 and biases 0 (linear biases keep PyTorch's default).
 */
public final class GoogLeNet extends ClassifierModule {

  private final List<Layer> layers = new ArrayList<>();
  // Registered modules written in Java must stay referenced from Java: once the garbage
  // collector takes the Java object, JavaCPP frees the native module under the parent's feet.
  private final InceptionAux aux1;
  private final InceptionAux aux2;

  public GoogLeNet(int numClasses, boolean auxLogits, boolean transformInput, double dropout,
      double dropoutAux) {
    this(numClasses, auxLogits, transformInput, dropout, dropoutAux, true);
  }

  /**
   * @param initWeights torchvision's {@code init_weights}; false leaves LibTorch's default
   *     initialisation, for a network whose weights are loaded right after
   */
  public GoogLeNet(int numClasses, boolean auxLogits, boolean transformInput, double dropout,
      double dropoutAux, boolean initWeights) {
    super();
    if (transformInput) {
      layers.add(TransformInput.IMAGENET);
    }
    layers.add(register_module("conv1", new BasicConv2d(3, 64, 7, 2, 3)));
    layers.add(Layers.maxPool2d(3, 2, 0, true));
    layers.add(register_module("conv2", new BasicConv2d(64, 64, 1)));
    layers.add(register_module("conv3", new BasicConv2d(64, 192, 3, 1, 1)));
    layers.add(Layers.maxPool2d(3, 2, 0, true));
    layers.add(inception("inception3a", 192, 64, 96, 128, 16, 32, 32));
    layers.add(inception("inception3b", 256, 128, 128, 192, 32, 96, 64));
    layers.add(Layers.maxPool2d(3, 2, 0, true));
    layers.add(inception("inception4a", 480, 192, 96, 208, 16, 48, 64));
    layers.add(inception("inception4b", 512, 160, 112, 224, 24, 64, 64));
    layers.add(inception("inception4c", 512, 128, 128, 256, 24, 64, 64));
    layers.add(inception("inception4d", 512, 112, 144, 288, 32, 64, 64));
    layers.add(inception("inception4e", 528, 256, 160, 320, 32, 128, 128));
    layers.add(Layers.maxPool2d(2, 2, 0, true));
    layers.add(inception("inception5a", 832, 256, 160, 320, 32, 128, 128));
    layers.add(inception("inception5b", 832, 384, 192, 384, 48, 128, 128));
    if (auxLogits) {
      aux1 = register_module("aux1", new InceptionAux(512, numClasses, dropoutAux));
      aux2 = register_module("aux2", new InceptionAux(528, numClasses, dropoutAux));
    } else {
      aux1 = null;
      aux2 = null;
    }
    layers.add(Layers.adaptiveAvgPool2d(1, 1));
    layers.add(FLATTEN);
    DropoutImpl drop = register_module("dropout", Layers.dropout(dropout));
    layers.add(drop::forward);
    LinearImpl fc = register_module("fc", Layers.linear(1024, numClasses));
    layers.add(fc::forward);
    if (initWeights) {
      Init.truncNormalWeights(this, 0.01);
    }
  }

  private Inception inception(String name, int in, int ch1x1, int ch3x3red, int ch3x3,
      int ch5x5red, int ch5x5, int poolProj) {
    return register_module(name,
        new Inception(in, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, poolProj));
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, layers);
  }
}
