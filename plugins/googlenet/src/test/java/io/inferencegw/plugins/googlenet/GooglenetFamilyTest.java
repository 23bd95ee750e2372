package io.inferencegw.plugins.googlenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.MetaBuild;
import io.inferencegw.plugin.api.PreprocessSpec;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.parity.ParityHarness;
import io.inferencegw.plugin.api.parity.ReferenceStructure;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.inception.TransformInput;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.plugin.api.testing.FamilyContractTest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class GooglenetFamilyTest extends FamilyContractTest {

  GooglenetFamilyTest() {
    super(new GooglenetFamily(), "googlenet");
  }

  // sum(p.numel()) of torchvision 0.14's googlenet() (aux heads included); the weights' meta
  // says 6,624,904: the same network without aux1 and aux2
  @Override
  protected Map<String, Long> publishedParameterCounts() {
    return ordered("googlenet", 13_004_888L);
  }

  @Test
  void withoutTheAuxiliaryHeadsTheCountIsTheOneTheWeightsPublish() {
    // GoogLeNet_Weights.IMAGENET1K_V1.meta["num_params"]: torchvision drops the aux heads there
    assertEquals(6_624_904L, MetaBuild.inspect(
        () -> new GoogLeNet(1000, false, true, 0.2, 0.7, false), StateDict::parameterCount));
  }

  @Test
  void googlenetHasTorchvisionsInputAndPreprocessing() {
    VariantSpec v = family().requireVariant("googlenet");
    assertEquals(List.of(3, 224, 224), v.inputShape());
    assertEquals(1000, v.numClasses());
    assertEquals(PreprocessSpec.imagenet(256, 224, PreprocessSpec.Interpolation.BILINEAR),
        v.preprocess());
  }

  @Test
  void auxiliaryHeadsAreRegisteredBeforeFcButUnusedInEval() {
    torch.manual_seed(3);
    try (ClassifierModule model = family().build("googlenet");
        PointerScope scope = new PointerScope()) {
      model.eval();
      List<String> keys = List.copyOf(StateDict.of(model).keySet());
      int aux1 = keys.indexOf("aux1.conv.conv.weight");
      int aux2 = keys.indexOf("aux2.conv.conv.weight");
      assertTrue(keys.indexOf("inception5b.branch4.1.bn.num_batches_tracked") < aux1);
      assertTrue(aux1 < aux2 && aux2 < keys.indexOf("fc.weight"));
      assertEquals(List.of("fc.weight", "fc.bias"), keys.subList(keys.size() - 2, keys.size()));
      Map<String, Tensor> sd = StateDict.of(model);
      assertEquals(List.of(128L, 528L, 1L, 1L), shape(sd.get("aux2.conv.conv.weight")));
      assertEquals(List.of(1024L, 2048L), shape(sd.get("aux1.fc1.weight")));
      assertEquals(List.of(1000L, 1024L), shape(sd.get("aux2.fc2.weight")));

      Tensor x = torch.randn(1, 3, 224, 224);
      Tensor before;
      try (InferenceMode guard = new InferenceMode()) {
        before = model.forward(x);
      }
      try (NoGradGuard noGrad = new NoGradGuard()) {
        for (String key : keys) {
          if (key.startsWith("aux") && !key.endsWith("num_batches_tracked")) {
            sd.get(key).fill_(new Scalar(7.0));
          }
        }
      }
      try (InferenceMode guard = new InferenceMode()) {
        assertTrue(torch.equal(before, model.forward(x)), "eval mode ignores aux1 and aux2");
      }
    }
  }

  @Test
  void inceptionModulesHaveThePapersOutputChannels() {
    // table 1 of Szegedy et al. 2014: (input size, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5,
    // pool proj) -> output depth
    int[][] rows = {
        {28, 192, 64, 96, 128, 16, 32, 32, 256},
        {28, 256, 128, 128, 192, 32, 96, 64, 480},
        {14, 480, 192, 96, 208, 16, 48, 64, 512},
        {14, 512, 160, 112, 224, 24, 64, 64, 512},
        {14, 512, 128, 128, 256, 24, 64, 64, 512},
        {14, 512, 112, 144, 288, 32, 64, 64, 528},
        {14, 528, 256, 160, 320, 32, 128, 128, 832},
        {7, 832, 256, 160, 320, 32, 128, 128, 832},
        {7, 832, 384, 192, 384, 48, 128, 128, 1024}};
    for (int[] r : rows) {
      try (Inception block = new Inception(r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
          PointerScope scope = new PointerScope();
          InferenceMode guard = new InferenceMode()) {
        block.eval();
        Tensor x = torch.randn(2, r[1], r[0], r[0]);
        assertEquals(List.of(2L, (long) r[8], (long) r[0], (long) r[0]),
            shape(block.forward(x)), Arrays.toString(r));
        assertEquals(r[8], block.outChannels());
      }
    }
  }

  @Test
  void auxiliaryHeadMapsA14x14FeatureMapToLogits() {
    try (InceptionAux aux = new InceptionAux(512, 10, 0.7);
        PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      aux.eval();
      assertEquals(List.of(3L, 10L), shape(aux.forward(torch.randn(3, 512, 14, 14))));
    }
  }

  @Test
  void transformInputIsTheFirstStepOfTheServedNetwork() {
    torch.manual_seed(5);
    try (GoogLeNet served = (GoogLeNet) family().build("googlenet");
        GoogLeNet plain = new GoogLeNet(1000, true, false, 0.2, 0.7);
        PointerScope scope = new PointerScope();
        NoGradGuard noGrad = new NoGradGuard()) {
      fanInScaled(served);
      Map<String, Tensor> from = StateDict.of(served);
      StateDict.of(plain).forEach((key, t) -> t.copy_(from.get(key)));
      served.eval();
      plain.eval();
      Tensor x = torch.randn(2, 3, 224, 224);
      Tensor transformed = TransformInput.IMAGENET.forward(x);
      assertTrue(torch.equal(served.forward(x), plain.forward(transformed)));
      assertFalse(torch.allclose(served.forward(x), plain.forward(x), 1e-3, 1e-3, false));
    }
  }

  @Test
  void freshNetworkIsInitialisedLikeTorchvision() {
    torch.manual_seed(11);
    try (ClassifierModule model = family().build("googlenet");
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(model);
      for (String key : List.of("conv1.conv.weight", "inception4e.branch2.1.conv.weight",
          "aux1.fc1.weight", "fc.weight")) {
        assertEquals(0.01, sd.get(key).std().item_double(), 1e-3, key);
      }
      assertEquals(1.0, sd.get("conv1.bn.weight").min().item_double());
      assertEquals(0.0, sd.get("conv1.bn.bias").abs().max().item_double());
    }
  }

  @Test
  void theCatalogNoteSaysTheNetworkRenormalisesItsInput() {
    assertTrue(family().inputNote("googlenet").contains("transform_input=True"));
    assertThrows(IllegalArgumentException.class, () -> family().inputNote("googlenet2"));
  }

  @Test
  void buildForLoadingHasTheSameStructureWithoutTorchvisionsInit() {
    try (ClassifierModule built = family().build("googlenet");
        ClassifierModule forLoading = family().buildForLoading("googlenet");
        PointerScope scope = new PointerScope()) {
      ParityHarness.assertSameStructure("googlenet", forLoading,
          ReferenceStructure.of("build()", built));
      Map<String, Tensor> b = StateDict.of(forLoading);
      // LibTorch's default (Kaiming-uniform, bound 1/sqrt(fan_in)) instead of N(0, 0.01)
      double std = b.get("inception3a.branch2.1.conv.weight").std().item_double();
      assertEquals(1 / Math.sqrt(96 * 9) / Math.sqrt(3), std, 1e-3);
      assertThrows(IllegalArgumentException.class, () -> family().buildForLoading("googlenet2"));
    }
  }

  /** Torchvision's N(0, 0.01) weights give every input the same logits (see fanInScaled). */
  @Override
  protected void beforeForward(ClassifierModule model) {
    fanInScaled(model);
  }

  @Test
  void forwardLeavesItsInputAlone() {
    try (ClassifierModule model = family().build("googlenet");
        PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      model.eval();
      Tensor x = torch.randn(2, 3, 224, 224);
      Tensor copy = x.clone();
      model.forward(x);
      assertTrue(torch.equal(x, copy), "input unchanged");
    }
  }

  @Test
  void networkSurvivesGarbageCollectionOfItsBuildersObjects() {
    // every registered Java module must stay referenced, or the collector frees it natively
    try (ClassifierModule model = family().build("googlenet")) {
      Await.garbageCollection();
      try (PointerScope scope = new PointerScope()) {
        assertEquals(364, StateDict.of(model).size());
      }
    }
  }

  /**
   * Weights N(0, 2 / fan_in) instead of torchvision's N(0, 0.01): with those, and fresh batch
   * norm statistics, the signal fades before the classifier and every input gets the same logits.
   */
  static void fanInScaled(ClassifierModule model) {
    try (NoGradGuard noGrad = new NoGradGuard()) {
      for (Tensor w : StateDict.of(model).values()) {
        if (w.dim() >= 2) {
          Init.normal(w, 0, Math.sqrt(2.0 / Init.fanIn(w)));
        }
      }
    }
  }

  private static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
