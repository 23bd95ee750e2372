package io.inferencegw.plugin.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layers;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class ModelFamilyTest {

  @Test
  void buildForLoadingIsBuildUnlessAFamilySaysOtherwise() {
    List<String> built = new ArrayList<>();
    ClassifierModule network = new ClassifierModule() {
      @Override
      public org.bytedeco.pytorch.Tensor forward(org.bytedeco.pytorch.Tensor input) {
        return input;
      }
    };
    ModelFamily family = family(variant -> {
      built.add(variant);
      return network;
    });
    assertSame(network, family.buildForLoading("v1"));
    assertEquals(List.of("v1"), built);
    network.close();
  }

  /**
   * The default skips the family's second initialisation (Init's fills) and nothing else: the
   * same parameters with the same shapes, LibTorch's own initial values, and build() itself
   * still initialises.
   */
  @Test
  void buildForLoadingBuildsTheSameNetworkWithoutInitsFills() {
    List<Boolean> skippedDuringBuild = new ArrayList<>();
    ModelFamily family = family(variant -> {
      skippedDuringBuild.add(Init.isSkipped());
      return new ClassifierModule() {
        private final LinearImpl fc = register_module("fc", Layers.linear(8, 4));

        {
          try (PointerScope scope = new PointerScope()) {
            Init.constant(fc.weight(), 0.5);
          }
        }

        @Override
        public Tensor forward(Tensor input) {
          return fc.forward(input);
        }
      };
    });
    try (ClassifierModule built = family.build("v");
        ClassifierModule forLoading = family.buildForLoading("v");
        PointerScope scope = new PointerScope()) {
      assertEquals(List.of(false, true), skippedDuringBuild);
      assertFalse(Init.isSkipped(), "skipping ends with buildForLoading");
      Map<String, Tensor> a = StateDict.of(built);
      Map<String, Tensor> b = StateDict.of(forLoading);
      assertEquals(a.keySet(), b.keySet());
      a.forEach((key, t) -> assertArrayEquals(t.sizes().vec().get(),
          b.get(key).sizes().vec().get(), key));
      assertEquals(0.5, a.get("fc.weight").min().item_double(), 0, "build() fills");
      assertEquals(0.5, a.get("fc.weight").max().item_double(), 0, "build() fills");
      assertTrue(b.get("fc.weight").ne(new Scalar(0.5)).any().item_bool(),
          "buildForLoading() keeps LibTorch's initial weights");
    }
  }

  /** A family of no variants whose build is {@code build}. */
  private static ModelFamily family(Function<String, ClassifierModule> build) {
    return new ModelFamily() {
      @Override
      public String name() {
        return "demo";
      }

      @Override
      public List<VariantSpec> variants() {
        return List.of();
      }

      @Override
      public ClassifierModule build(String variant) {
        return build.apply(variant);
      }
    };
  }
}
