package io.inferencegw.plugins.vit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.PreprocessSpec.Interpolation;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.MultiheadSelfAttention;
import io.inferencegw.plugin.api.testing.FamilyContractTest;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class VitFamilyTest extends FamilyContractTest {

  VitFamilyTest() {
    super(new VitFamily(), "vit_b_32");
  }

  @Override
  protected Map<String, Long> publishedParameterCounts() {
    // ViT_*_Weights meta["num_params"] in torchvision 0.14 for the 224x224 builds
    // (IMAGENET1K_V1; for H/14 IMAGENET1K_SWAG_LINEAR_V1)
    return ordered(
        "vit_b_16", 86_567_656L,
        "vit_b_32", 88_224_232L,
        "vit_l_16", 304_326_632L,
        "vit_l_32", 306_535_400L,
        "vit_h_14", 632_045_800L);
  }

  /** torchvision zeroes a fresh ViT's head, which makes its logits 0 whatever the input. */
  @Override
  protected void beforeForward(ClassifierModule model) {
    try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
      Init.normal(StateDict.of(model).get("heads.head.weight"), 0, 0.02);
    }
  }

  @Test
  void preprocessingIsThatOfTheWeightsForA224Build() {
    Map<String, PreprocessSpec> preprocess = Map.of(
        "vit_b_16", PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR),
        "vit_b_32", PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR),
        "vit_l_16", PreprocessSpec.imagenet(242, 224, Interpolation.BILINEAR),
        "vit_l_32", PreprocessSpec.imagenet(256, 224, Interpolation.BILINEAR),
        "vit_h_14", PreprocessSpec.imagenet(224, 224, Interpolation.BICUBIC));
    for (VariantSpec v : family().variants()) {
      assertEquals(1000, v.numClasses(), v.name());
      assertEquals(preprocess.get(v.name()), v.preprocess(), v.name());
    }
  }

  @Test
  void freshNetworksAreInitialisedLikeTorchvision() {
    torch.manual_seed(5);
    try (ClassifierModule model = family().build("vit_b_32");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      assertEquals(0, sd.get("class_token").abs().max().item_double(), 0);
      assertEquals(0.02, sd.get("encoder.pos_embedding").std().item_double(), 1e-3);
      assertEquals(Math.sqrt(1.0 / (3 * 32 * 32)), sd.get("conv_proj.weight").std().item_double(),
          1e-3);
      String block = "encoder.layers.encoder_layer_3.";
      double xavier = Math.sqrt(6.0 / (768 + 3 * 768));
      Tensor inProj = sd.get(block + "self_attention.in_proj_weight");
      assertTrue(inProj.abs().max().item_double() <= xavier);
      assertTrue(inProj.abs().max().item_double() > 0.99 * xavier);
      assertEquals(0, sd.get(block + "self_attention.in_proj_bias").abs().max().item_double(), 0);
      assertEquals(0, sd.get(block + "self_attention.out_proj.bias").abs().max().item_double(), 0);
      assertTrue(sd.get(block + "mlp.0.bias").abs().max().item_double() < 1e-5);
      assertEquals(0, sd.get("heads.head.weight").abs().max().item_double(), 0);
    }
  }

  @Test
  void selfAttentionMatchesTheExplicitSoftmaxFormula() {
    MultiheadSelfAttention attention = new MultiheadSelfAttention(16, 4);
    try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      Tensor x = torch.randn(2, 5, 16);
      Tensor qkv = torch.linear(x, attention.inProjWeight(), attention.inProjBias());
      var chunks = qkv.chunk(3, -1);
      Tensor q = chunks.get(0).view(2, 5, 4, 4).transpose(1, 2);
      Tensor k = chunks.get(1).view(2, 5, 4, 4).transpose(1, 2);
      Tensor v = chunks.get(2).view(2, 5, 4, 4).transpose(1, 2);
      Tensor scores = torch.matmul(q, k.transpose(-2, -1)).div(new org.bytedeco.pytorch.Scalar(2.0));
      Tensor attended = torch.matmul(torch.softmax(scores, -1), v).transpose(1, 2).reshape(2, 5, 16);
      Tensor expected = attention.outProj().forward(attended);
      assertTrue(torch.allclose(expected, attention.forward(x), 1e-5, 1e-6, false));
    }
  }

  /** The position embedding has one entry per patch of the size the network is built for. */
  @Test
  void forwardRejectsOtherSizes() {
    try (ClassifierModule model = family().build("vit_b_32");
        PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      model.eval();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.forward(torch.randn(1, 3, 256, 256)));
      assertTrue(e.getMessage().contains("Expected 224x224"), e.getMessage());
    }
  }
}
