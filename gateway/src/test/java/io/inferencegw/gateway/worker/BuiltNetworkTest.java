package io.inferencegw.gateway.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Sequential;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class BuiltNetworkTest {

  /** A network whose block keeps its layer in a field, as the families' blocks do. */
  static final class TwoLayers extends ClassifierModule {
    final LinearImpl first;
    final Sequential rest = new Sequential();

    TwoLayers() {
      first = register_module("first", new LinearImpl(8, 8));
      register_module("rest", rest);
      rest.add(new LinearImpl(8, 4));
    }

    @Override
    public Tensor forward(Tensor input) {
      return rest.forward(first.forward(input));
    }
  }

  @Test
  void closeFreesTheSubmodulesTheBuildCreatedNotOnlyTheNetwork() {
    TwoLayers[] network = new TwoLayers[1];
    BuiltNetwork built = BuiltNetwork.build(() -> network[0] = new TwoLayers());
    assertFalse(network[0].first.isNull());
    built.close();
    assertTrue(network[0].isNull(), "the network is freed");
    assertTrue(network[0].first.isNull(),
        "a submodule its block keeps in a field is freed at close, not when collected");
    assertTrue(network[0].rest.isNull(), "and so is a nested block");
  }

  @Test
  void aNetworkBuiltElsewhereKeepsItsSubmodulesUntilCollected() {
    TwoLayers network = new TwoLayers();
    BuiltNetwork.of(network).close();
    assertTrue(network.isNull());
    assertFalse(network.first.isNull(),
        "without the build's scope only the network itself is freed at close (the case the"
            + " build scope exists for)");
    network.first.close();
    network.rest.close();
  }

  @Test
  void whatIsCreatedAfterTheBuildIsNotTiedToTheNetwork() {
    BuiltNetwork built = BuiltNetwork.build(TwoLayers::new);
    assertTrue(PointerScope.getInnerScope() == null, "the build's scope is off this thread");
    Tensor later = torch.ones(2, 8);
    try {
      built.close();
      assertFalse(later.isNull(), "a tensor made after the build outlives the network");
    } finally {
      later.close();
    }
  }

  @Test
  void aFailedBuildFreesWhatItCreatedAndLeavesNoScopeBehind() {
    LinearImpl[] made = new LinearImpl[1];
    assertThrows(IllegalStateException.class, () -> BuiltNetwork.build(() -> {
      made[0] = new LinearImpl(8, 8);
      throw new IllegalStateException("no such variant");
    }));
    assertTrue(made[0].isNull(), "what the failed build created is freed");
    assertTrue(PointerScope.getInnerScope() == null);
  }
}
