package io.inferencegw.plugins.dpn;

import io.inferencegw.plugin.api.blocks.Layer;
import io.inferencegw.plugin.api.blocks.Layers;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * timm's {@code CatBnAct}: batch norm (eps 1e-3) and ReLU, registered as {@code bn}, on the
 * concatenation of the two paths. Our stage tensors are already that concatenation.
 *
 * <p>For {@code conv5_bn_ac} timm 1.0.9 passes {@code fc_act_layer='elu'}, but
 * {@code get_norm_act_layer} keeps the ReLU already bound in the norm layer's partial, so the
 * module timm builds (and its checkpoints were evaluated with) applies ReLU; so does this one.
 */
final class CatBnAct extends Module implements Layer {

  private final BatchNorm2dImpl bn;

  CatBnAct(int channels) {
    bn = register_module("bn", BnActConv2d.batchNormAct(channels));
  }

  BatchNorm2dImpl bn() {
    return bn;
  }

  @Override
  public Tensor forward(Tensor x) {
    return Layers.chain(x, bn::forward, Layers.RELU);
  }
}
