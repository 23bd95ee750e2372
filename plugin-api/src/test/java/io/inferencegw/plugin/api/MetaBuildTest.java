package io.inferencegw.plugin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.blocks.Conv2dNormActivation;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LinearOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class MetaBuildTest {

  /** A network big enough that building it for real would show: 4096x65536 floats = 1 GiB. */
  private static Module network(long wide) {
    Module net = new Module();
    net.register_module("conv", Conv2dNormActivation.builder(3, 16, 3).build());
    net.register_module("fc", new LinearImpl(new LinearOptions(wide, 4096)));
    return net;
  }

  @Test
  void countsWhatARealBuildCountsWithoutAllocatingIt() {
    long expected;
    try (Module small = network(64)) {
      expected = StateDict.parameterCount(small);
    }
    assertEquals(expected, MetaBuild.inspect(() -> network(64), StateDict::parameterCount));
    long huge = MetaBuild.inspect(() -> network(65_536), StateDict::parameterCount);
    assertEquals(expected - 64 * 4096 + 65_536L * 4096, huge);
  }

  @Test
  void keepsKeysShapesAndDtypes() {
    Map<String, List<Long>> real = shapes(network(8));
    Map<String, List<Long>> meta = MetaBuild.inspect(() -> network(8), MetaBuildTest::shapes);
    assertEquals(real, meta);
    assertTrue(meta.containsKey("conv.1.num_batches_tracked"), meta.keySet().toString());
  }

  @Test
  void leavesTheCallingThreadComputingOnRealTensors() {
    MetaBuild.inspect(() -> network(8), StateDict::parameterCount);
    assertFalse(torch.tls_is_dispatch_key_included(torch.DispatchKey.Meta));
    try (PointerScope scope = new PointerScope()) {
      assertEquals(4.0, torch.ones(2, 2).abs().sum().item_double(), 0);
    }
  }

  @Test
  void passesOnWhatTheBuildThrows() {
    IllegalArgumentException thrown = new IllegalArgumentException("no such variant");
    assertSame(thrown, assertThrows(IllegalArgumentException.class,
        () -> MetaBuild.inspect(() -> { throw thrown; }, StateDict::parameterCount)));
  }

  private static Map<String, List<Long>> shapes(Module net) {
    try (net; PointerScope scope = new PointerScope()) {
      Map<String, List<Long>> out = new java.util.LinkedHashMap<>();
      for (Map.Entry<String, Tensor> e : StateDict.of(net).entrySet()) {
        List<Long> shape = new java.util.ArrayList<>();
        for (long d : e.getValue().sizes().vec().get()) {
          shape.add(d);
        }
        shape.add((long) e.getValue().scalar_type().ordinal());
        out.put(e.getKey(), shape);
      }
      return out;
    }
  }
}
