package io.inferencegw.plugins.inception.v3;

import static io.inferencegw.plugin.api.blocks.Layers.FLATTEN;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugin.api.blocks.inception.TransformInput;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DropoutImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Inception v3 (Szegedy et al. 2015, "Rethinking the Inception architecture for computer
 * vision") as torchvision's {@code Inception3}, for 299x299 input: the stem
 * ({@code Conv2d_1a_3x3} stride 2, {@code Conv2d_2a_3x3}, {@code Conv2d_2b_3x3}, max pool,
 * {@code Conv2d_3b_1x1}, {@code Conv2d_4a_3x3}, max pool; 35x35x192), three {@link InceptionA}
 * ({@code Mixed_5b-5d}), {@link InceptionB} ({@code Mixed_6a}, to 17x17), four
 * {@link InceptionC} ({@code Mixed_6b-6e}), {@link InceptionD} ({@code Mixed_7a}, to 8x8), two
 * {@link InceptionE} ({@code Mixed_7b-7c}; 8x8x2048), average pool, {@code dropout} (0.5),
 * {@code fc}.
 *
 * <p>{@code AuxLogits} ({@link InceptionAux}) is registered between {@code Mixed_6e} and
 * {@code Mixed_7a} as torchvision does with {@code aux_logits=True} (its default), so
 * checkpoints with its keys load strictly. torchvision runs it only in training; this
 * network's {@link #forward} returns the main logits, as torchvision does in eval mode.
 *
 * <p>{@code transformInput} is torchvision's {@code transform_input}: ImageNet-normalised input is
 * first mapped to {@code (x - 0.5) / 0.5} ({@link TransformInput}), what the TensorFlow-ported
 * weights expect; torchvision turns it on when it loads them.
 *
 * <p>A fresh network is initialised as torchvision's: convolution and linear weights from a
 * normal distribution truncated to [-2, 2] with std 0.1, except {@code AuxLogits.conv1} (0.01)
 * and {@code AuxLogits.fc} (0.001); batch norms weight 1 and bias 0.
 */
public final class Inception3 extends ClassifierModule {

  public static final int SIZE = 299;
  public static final int FEATURES = InceptionE.OUT_CHANNELS;

  private final List<Layer> layers = new ArrayList<>();
  // registered Java modules stay referenced from Java, or the collector frees them natively
  private final InceptionAux auxLogits;

  public Inception3(int numClasses, boolean auxLogits, boolean transformInput, double dropout) {
    this(numClasses, auxLogits, transformInput, dropout, true);
  }

  /**
   * @param initWeights torchvision's {@code init_weights}; false leaves LibTorch's default
   *     initialisation, for a network whose weights are loaded right after
   */
  public Inception3(int numClasses, boolean auxLogits, boolean transformInput, double dropout,
      boolean initWeights) {
    super();
    if (transformInput) {
      layers.add(TransformInput.IMAGENET);
    }
    layers.add(add("Conv2d_1a_3x3", new BasicConv2d(3, 32, 3, 2, 0)));
    layers.add(add("Conv2d_2a_3x3", new BasicConv2d(32, 32, 3)));
    layers.add(add("Conv2d_2b_3x3", new BasicConv2d(32, 64, 3, 1, 1)));
    layers.add(Layers.maxPool2d(3, 2));
    layers.add(add("Conv2d_3b_1x1", new BasicConv2d(64, 80, 1)));
    layers.add(add("Conv2d_4a_3x3", new BasicConv2d(80, 192, 3)));
    layers.add(Layers.maxPool2d(3, 2));
    layers.add(add("Mixed_5b", new InceptionA(192, 32)));
    layers.add(add("Mixed_5c", new InceptionA(InceptionA.outChannels(32), 64)));
    layers.add(add("Mixed_5d", new InceptionA(InceptionA.outChannels(64), 64)));
    layers.add(add("Mixed_6a", new InceptionB(InceptionA.outChannels(64))));
    layers.add(add("Mixed_6b", new InceptionC(InceptionC.OUT_CHANNELS, 128)));
    layers.add(add("Mixed_6c", new InceptionC(InceptionC.OUT_CHANNELS, 160)));
    layers.add(add("Mixed_6d", new InceptionC(InceptionC.OUT_CHANNELS, 160)));
    layers.add(add("Mixed_6e", new InceptionC(InceptionC.OUT_CHANNELS, 192)));
    this.auxLogits = auxLogits
        ? register_module("AuxLogits", new InceptionAux(InceptionC.OUT_CHANNELS, numClasses))
        : null;
    layers.add(add("Mixed_7a", new InceptionD(InceptionC.OUT_CHANNELS)));
    layers.add(add("Mixed_7b", new InceptionE(InceptionD.outChannels(InceptionC.OUT_CHANNELS))));
    layers.add(add("Mixed_7c", new InceptionE(InceptionE.OUT_CHANNELS)));
    layers.add(Layers.adaptiveAvgPool2d(1, 1));
    DropoutImpl drop = register_module("dropout", Layers.dropout(dropout));
    layers.add(drop::forward);
    layers.add(FLATTEN);
    LinearImpl fc = register_module("fc", Layers.linear(FEATURES, numClasses));
    layers.add(fc::forward);
    if (initWeights) {
      initWeights();
    }
  }

  private <M extends Module & Layer> M add(String name, M block) {
    return register_module(name, block);
  }

  /** Std 0.1, redrawn for the two auxiliary layers torchvision gives their own stddev. */
  private void initWeights() {
    Init.truncNormalWeights(this, 0.1);
    if (auxLogits != null) {
      try (PointerScope scope = new PointerScope()) {
        Init.truncNormalFarBounds(auxLogits.conv1().conv().weight(), 0, 0.01, -2, 2);
        Init.truncNormalFarBounds(auxLogits.fc().weight(), 0, 0.001, -2, 2);
      }
    }
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, layers);
  }
}
