package io.inferencegw.plugin.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.blocks.Layers;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** Converting a network to bf16: floating-point weights change format, integer tables do not. */
class ReducedPrecisionTest {

  /** A linear layer whose output columns are picked through an integer index buffer. */
  static final class IndexedNet extends ClassifierModule {
    private final LinearImpl fc = register_module("fc", Layers.linear(4, 300));
    private final Tensor index;

    IndexedNet() {
      long[] picks = new long[300];
      for (int i = 0; i < picks.length; i++) {
        picks[i] = 299 - i; // values above 256 are not integers in bf16
      }
      index = register_buffer("index", torch.tensor(picks));
    }

    @Override
    public Tensor forward(Tensor input) {
      return fc.forward(input).index_select(1, index);
    }
  }

  @Test
  void floatingPointTensorsBecomeBf16AndIntegerBuffersStayAsTheyAre() {
    torch.manual_seed(3);
    try (IndexedNet net = new IndexedNet(); PointerScope scope = new PointerScope()) {
      net.eval();
      Tensor input = torch.randn(2, 4);
      Tensor expected;
      try (InferenceMode guard = new InferenceMode()) {
        expected = net.forward(input);
      }
      ReducedPrecision.convert(net, ScalarType.BFloat16);
      assertEquals(ScalarType.BFloat16.value, net.fc.weight().scalar_type().value);
      assertEquals(ScalarType.BFloat16.value, net.fc.bias().scalar_type().value);
      assertEquals(ScalarType.Long.value, net.index.scalar_type().value);
      assertEquals(299L, net.index.get(0).item_long());

      Tensor logits;
      try (InferenceMode guard = new InferenceMode()) {
        logits = ReducedPrecision.forward(net, input, ScalarType.BFloat16);
      }
      assertEquals(ScalarType.Float.value, logits.scalar_type().value, "logits come back float");
      assertArrayEquals(expected.sizes().vec().get(), logits.sizes().vec().get());
      double scale = 1 + expected.abs().max().item_double();
      double diff = expected.sub(logits).abs().max().item_double();
      assertTrue(diff < 0.02 * scale, "bf16 logits within rounding of float32: " + diff);
    }
  }
}
