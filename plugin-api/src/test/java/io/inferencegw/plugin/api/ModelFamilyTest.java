package io.inferencegw.plugin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
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
    ModelFamily family = new ModelFamily() {
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
        built.add(variant);
        return network;
      }
    };
    assertSame(network, family.buildForLoading("v1"));
    assertEquals(List.of("v1"), built);
    network.close();
  }
}
