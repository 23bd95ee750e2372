package io.inferencegw.plugins.vit;

import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.MLP;
import io.inferencegw.plugin.api.blocks.MultiheadSelfAttention;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * torchvision's {@code vision_transformer.EncoderBlock}, pre-norm:
 * {@code x = x + self_attention(ln_1(x)); x = x + mlp(ln_2(x))}, registered as {@code ln_1},
 * {@code self_attention} (an {@code nn.MultiheadAttention}'s keys), {@code ln_2}, {@code mlp}
 * (torchvision's {@code MLPBlock}: {@code 0} Linear, GELU, Dropout, {@code 3} Linear, Dropout).
 * LayerNorms have eps 1e-6. Dropout is 0 in every torchvision builder and left out; both
 * residual sums are computed in place on the branch outputs.
 */
public final class EncoderBlock extends Module implements Layer {

  static final double NORM_EPS = 1e-6;

  private final LayerNormImpl ln1;
  private final MultiheadSelfAttention selfAttention;
  private final LayerNormImpl ln2;
  private final MLP mlp;

  public EncoderBlock(int numHeads, int hiddenDim, int mlpDim) {
    super();
    ln1 = register_module("ln_1", Layers.layerNorm(hiddenDim, NORM_EPS));
    selfAttention = register_module("self_attention",
        new MultiheadSelfAttention(hiddenDim, numHeads));
    ln2 = register_module("ln_2", Layers.layerNorm(hiddenDim, NORM_EPS));
    mlp = register_module("mlp",
        MLP.transformer(hiddenDim, mlpDim, hiddenDim, 0.0).initXavierUniform(1e-6));
  }

  public MultiheadSelfAttention selfAttention() {
    return selfAttention;
  }

  public MLP mlp() {
    return mlp;
  }

  @Override
  public Tensor forward(Tensor input) {
    Tensor normed = ln1.forward(input);
    Tensor x = selfAttention.forward(normed);
    normed.close();
    x.add_(input);
    Tensor normed2 = ln2.forward(x);
    Tensor y = mlp.forward(normed2);
    normed2.close();
    y.add_(x);
    x.close();
    return y;
  }

}
