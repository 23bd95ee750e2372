package io.inferencegw.plugins.vit;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.NamedSequential;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The Vision Transformer (Dosovitskiy et al., 2020) as torchvision's
 * {@code models/vision_transformer.py} with its builders' defaults (no conv stem, no
 * representation layer, no dropout):
 *
 * <pre>
 *   class_token  [1, 1, hidden_dim]
 *   conv_proj    conv patch x patch, stride patch: 3 -&gt; hidden_dim ("patchify")
 *   encoder      {@link Encoder}: pos_embedding, layers.encoder_layer_N ({@link EncoderBlock}), ln
 *   heads        head: Linear hidden_dim -&gt; num_classes
 * </pre>
 *
 * The input must be {@code image_size x image_size} (the position embedding has one entry per
 * patch). The logits come from the class token after the final LayerNorm.
 *
 * <p>A fresh network is initialised as torchvision's: the patchify convolution truncated-normal
 * with std {@code sqrt(1 / fan_in)} and zero bias, class token zero, position embedding
 * N(0, 0.02^2), attention and MLP as in {@link EncoderBlock}, the head all zero.
 */
public final class VisionTransformer extends ClassifierModule {

  private final int imageSize;
  private final int patchSize;
  private final int hiddenDim;
  private final Tensor classToken;
  private final Conv2dImpl convProj;
  private final Encoder encoder;
  private final NamedSequential heads;

  public VisionTransformer(int imageSize, int patchSize, int numLayers, int numHeads,
      int hiddenDim, int mlpDim, int numClasses) {
    if (imageSize % patchSize != 0) {
      throw new IllegalArgumentException("Input shape indivisible by patch size!");
    }
    this.imageSize = imageSize;
    this.patchSize = patchSize;
    this.hiddenDim = hiddenDim;
    classToken = torch.zeros(1, 1, hiddenDim);
    register_parameter("class_token", classToken);
    convProj = register_module("conv_proj",
        Layers.conv2d(3, hiddenDim, patchSize, patchSize, 0, 1, 1, true));
    try (PointerScope scope = new PointerScope()) {
      Init.truncNormal(convProj.weight(), Math.sqrt(1.0 / (3 * patchSize * patchSize)));
      Init.zeros(convProj.bias());
    }
    encoder = register_module("encoder", new Encoder(
        seqLength(imageSize, patchSize), numLayers, numHeads, hiddenDim, mlpDim));
    LinearImpl head = Layers.linear(hiddenDim, numClasses);
    try (PointerScope scope = new PointerScope()) {
      Init.zeros(head.weight());
      Init.zeros(head.bias());
    }
    heads = register_module("heads", new NamedSequential().add("head", head));
  }

  /** Patches plus the class token. */
  static int seqLength(int imageSize, int patchSize) {
    int side = imageSize / patchSize;
    return side * side + 1;
  }

  public int imageSize() {
    return imageSize;
  }

  public Encoder encoder() {
    return encoder;
  }

  @Override
  public Tensor forward(Tensor input) {
    long n = input.size(0);
    if (input.size(2) != imageSize || input.size(3) != imageSize) {
      throw new IllegalArgumentException("Wrong image size! Expected " + imageSize + "x"
          + imageSize + " but got " + input.size(2) + "x" + input.size(3));
    }
    // (n, 3, h, w) -> (n, hidden, n_h, n_w) -> (n, n_h * n_w, hidden), then the class token first
    Tensor patches = convProj.forward(input);
    Tensor flat = patches.flatten(2, 3);
    patches.close();
    Tensor tokens = flat.transpose(1, 2);
    flat.close();
    Tensor cls = classToken.expand(n, -1, -1);
    TensorVector parts = new TensorVector(cls, tokens);
    Tensor x = torch.cat(parts, 1);
    parts.close();
    cls.close();
    tokens.close();
    Tensor features = encoder.classToken(x);
    x.close();
    Tensor logits = heads.forward(features);
    features.close();
    return logits;
  }
}
