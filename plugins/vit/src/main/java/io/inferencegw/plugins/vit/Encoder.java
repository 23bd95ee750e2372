package io.inferencegw.plugins.vit;

import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.NamedSequential;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * torchvision's {@code vision_transformer.Encoder}: adds the learned position embedding
 * ({@code pos_embedding [1, seq_length, hidden_dim]}, initially N(0, 0.02^2)), runs the blocks
 * ({@code layers.encoder_layer_0 ...}) and a final LayerNorm ({@code ln}, eps 1e-6).
 */
public final class Encoder extends Module implements Layer {

  private final Tensor posEmbedding;
  private final NamedSequential layers;
  private final LayerNormImpl ln;

  public Encoder(int seqLength, int numLayers, int numHeads, int hiddenDim, int mlpDim) {
    super();
    posEmbedding = torch.empty(1, seqLength, hiddenDim);
    Init.normal(posEmbedding, 0, 0.02);
    register_parameter("pos_embedding", posEmbedding);
    layers = new NamedSequential();
    for (int i = 0; i < numLayers; i++) {
      layers.add("encoder_layer_" + i, new EncoderBlock(numHeads, hiddenDim, mlpDim));
    }
    register_module("layers", layers);
    ln = register_module("ln", Layers.layerNorm(hiddenDim, EncoderBlock.NORM_EPS));
  }

  public Tensor posEmbedding() {
    return posEmbedding;
  }

  /** {@code ln(layers(input + pos_embedding))} for every token. */
  @Override
  public Tensor forward(Tensor input) {
    Tensor x = layers(input);
    Tensor out = ln.forward(x);
    x.close();
    return out;
  }

  /**
   * {@code forward(input)[:, 0]}: LayerNorm works token by token, so normalising only the class
   * token gives the same values without normalising the others.
   */
  public Tensor classToken(Tensor input) {
    Tensor x = layers(input);
    Tensor first = x.select(1, 0);
    x.close();
    Tensor out = ln.forward(first);
    first.close();
    return out;
  }

  private Tensor layers(Tensor input) {
    Tensor x = input.add(posEmbedding);
    Tensor out = layers.forward(x);
    Layers.release(x, out, input);
    return out;
  }
}
