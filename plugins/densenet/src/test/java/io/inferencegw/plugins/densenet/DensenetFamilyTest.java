package io.inferencegw.plugins.densenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.testing.FamilyContractTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class DensenetFamilyTest extends FamilyContractTest {

  DensenetFamilyTest() {
    super(new DensenetFamily(), "densenet121");
  }

  // DenseNet*_Weights.IMAGENET1K_V1.meta["num_params"] in torchvision 0.14; densenet264:
  // sum(p.numel()) of torchvision's DenseNet(32, (6, 12, 64, 48), 64)
  @Override
  protected Map<String, Long> publishedParameterCounts() {
    return ordered(
        "densenet121", 7_978_856L,
        "densenet161", 28_681_000L,
        "densenet169", 14_149_480L,
        "densenet201", 20_013_928L,
        "densenet264", 33_337_704L);
  }

  // the adaptive pool takes any size; a small, non-square one is quicker and checks both axes
  @Override
  protected long[] forwardInputShape() {
    return new long[] {3, 64, 96};
  }

  @Test
  void everyVariantHasTorchvisionsInputAndTransforms() {
    for (VariantSpec v : family().variants()) {
      assertEquals(List.of(3, 224, 224), v.inputShape(), v.name());
      assertEquals(1000, v.numClasses(), v.name());
      assertEquals(DensenetFamily.PREPROCESS, v.preprocess(), v.name());
    }
    assertEquals(256, DensenetFamily.PREPROCESS.resizeShorter());
  }

  @Test
  void depthInTheNameCountsTheWeightLayers() {
    // two convolutions per dense layer, one per transition, the stem and the classifier;
    // the paper's "264" (blocks 6-12-64-48) has 265 by this count, an off-by-one of its name
    for (DensenetFamily.Config v : new DensenetFamily().configs()) {
      int layers = v.network().blockConfig().stream().mapToInt(Integer::intValue).sum();
      int named = Integer.parseInt(v.name().replace("densenet", ""));
      assertEquals(named == 264 ? 265 : named, 2 * layers + 3 + 2, v.name());
    }
  }

  @Test
  void keysAreTorchvisionsNamedChildren() {
    try (ClassifierModule model = family().build("densenet121");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      List<String> keys = List.copyOf(sd.keySet());
      assertEquals("features.conv0.weight", keys.get(0));
      assertEquals("features.denseblock1.denselayer1.norm1.weight", keys.get(6));
      assertEquals(List.of(128L, 64L, 1L, 1L),
          shape(sd.get("features.denseblock1.denselayer1.conv1.weight")));
      assertEquals(List.of(32L, 128L, 3L, 3L),
          shape(sd.get("features.denseblock1.denselayer6.conv2.weight")));
      // 64 + 6 * 32 = 256 channels, halved by the first transition
      assertEquals(List.of(128L, 256L, 1L, 1L), shape(sd.get("features.transition1.conv.weight")));
      assertEquals(List.of(1024L), shape(sd.get("features.norm5.running_var")));
      assertEquals(List.of("classifier.weight", "classifier.bias"),
          keys.subList(keys.size() - 2, keys.size()));
      // torchvision's init: kaiming_normal_ (fan_in), classifier bias 0
      Tensor w = sd.get("features.denseblock3.denselayer24.conv1.weight");
      assertEquals(Math.sqrt(2.0 / Init.fanIn(w)), w.std().item_double(), 2e-3);
      assertEquals(0, sd.get("classifier.bias").abs().max().item_double(), 0);
    }
  }

  @Test
  void denseBlockOutputIsTheConcatenationTorchvisionComputes() {
    torch.manual_seed(7);
    DenseBlock block = new DenseBlock(3, 5, 2, 4, 0);
    try (PointerScope scope = new PointerScope()) {
      // non-trivial norm statistics, so that every layer's input matters
      StateDict.of(block).forEach((key, t) -> {
        if (key.endsWith("running_mean") || key.endsWith(".bias")) {
          Init.normal(t, 0, 0.3);
        } else if (key.endsWith("running_var") || key.endsWith("norm1.weight")
            || key.endsWith("norm2.weight")) {
          torch.uniform_(t, 0.5, 1.5);
        }
      });
    }
    block.eval();
    try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      Tensor x = torch.randn(2, 5, 6, 7);
      // torchvision's _DenseBlock.forward: each layer on torch.cat(features so far)
      List<Tensor> features = new ArrayList<>(List.of(x));
      for (int i = 1; i <= 3; i++) {
        Tensor input = torch.cat(new TensorVector(features.toArray(new Tensor[0])), 1);
        features.add(layer(block, i).forward(input));
      }
      Tensor expected = torch.cat(new TensorVector(features.toArray(new Tensor[0])), 1);
      Tensor actual = block.forward(x);
      assertEquals(List.of(2L, 5L + 3 * 4, 6L, 7L), shape(actual));
      // batch norm on the block's channel view takes another kernel than on a concatenated
      // copy: equal up to float rounding
      double diff = expected.sub(actual).abs().max().item_double();
      assertTrue(diff < 1e-5, "max |diff| " + diff);
    }
  }

  /** The block's {@code denselayer<i>}, looked up through the module tree. */
  private static DenseLayer layer(DenseBlock block, int i) {
    return block.layer(i - 1);
  }

  private static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
