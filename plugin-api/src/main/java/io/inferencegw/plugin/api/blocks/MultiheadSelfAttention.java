package io.inferencegw.plugin.api.blocks;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code nn.MultiheadAttention(embed_dim, num_heads, batch_first=True)} used as self-attention
 * ({@code query = key = value}, {@code need_weights=False}, no masks, no dropout), as
 * torchvision's ViT encoder block calls it, with the same state_dict:
 * {@code in_proj_weight [3E, E]}, {@code in_proj_bias [3E]}, {@code out_proj.weight [E, E]},
 * {@code out_proj.bias [E]}.
 *
 * <p>The forward pass is one matrix product for q, k and v, LibTorch's fused
 * {@code scaled_dot_product_attention} (a flash-attention kernel on CPU: the {@code S x S}
 * score matrix is never materialised) on views of that product, and the output projection.
 * Input and output are {@code [batch, sequence, embed_dim]}.
 *
 * <p>A fresh module is initialised as PyTorch's: {@code xavier_uniform_} input projection, zero
 * biases, the output projection's weight as an {@code nn.Linear}'s.
 */
public final class MultiheadSelfAttention extends Module implements Layer {

  // native helpers owned by the module (created with it, outside any PointerScope, as modules are)
  private final TensorOptional noMask = new TensorOptional();
  private final DoubleOptional defaultScale = new DoubleOptional();

  private final int embedDim;
  private final int numHeads;
  private final Tensor inProjWeight;
  private final Tensor inProjBias;
  private final TensorOptional inProjBiasOptional;
  private final LinearImpl outProj;

  public MultiheadSelfAttention(int embedDim, int numHeads) {
    super();
    if (embedDim % numHeads != 0) {
      throw new IllegalArgumentException("embed_dim must be divisible by num_heads");
    }
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    // keep our own handles: register_parameter's returned reference dangles later
    inProjWeight = torch.empty(3L * embedDim, embedDim);
    inProjBias = torch.zeros(3L * embedDim);
    Init.xavierUniform(inProjWeight);
    register_parameter("in_proj_weight", inProjWeight);
    register_parameter("in_proj_bias", inProjBias);
    inProjBiasOptional = new TensorOptional(inProjBias);
    outProj = register_module("out_proj", Layers.linear(embedDim, embedDim));
    try (PointerScope scope = new PointerScope()) {
      Init.zeros(outProj.bias());
    }
  }

  public int embedDim() {
    return embedDim;
  }

  public int numHeads() {
    return numHeads;
  }

  public Tensor inProjWeight() {
    return inProjWeight;
  }

  public Tensor inProjBias() {
    return inProjBias;
  }

  public LinearImpl outProj() {
    return outProj;
  }

  @Override
  public Tensor forward(Tensor x) {
    long batch = x.size(0);
    long length = x.size(1);
    Tensor qkv = torch.linear(x, inProjWeight, inProjBiasOptional);
    // [B, S, 3, H, D] -> [3, B, H, S, D]: views, no copy. Every view handle is closed as soon as
    // it is used: an open view keeps its base's memory alive until the batch's scope ends.
    Tensor split = qkv.view(batch, length, 3, numHeads, embedDim / numHeads);
    Tensor heads = split.permute(2, 0, 3, 1, 4);
    split.close();
    qkv.close();
    Tensor q = heads.select(0, 0);
    Tensor k = heads.select(0, 1);
    Tensor v = heads.select(0, 2);
    heads.close();
    Tensor attended = torch.scaled_dot_product_attention(
        q, k, v, noMask, 0.0, false, defaultScale, false);
    q.close();
    k.close();
    v.close();
    // [B, H, S, D] -> [B, S, E]; a view where the kernel already wrote [B, S, H, D]
    Tensor transposed = attended.transpose(1, 2);
    attended.close();
    Tensor merged = transposed.reshape(batch, length, embedDim);
    transposed.close();
    Tensor out = outProj.forward(merged);
    merged.close();
    return out;
  }
}
