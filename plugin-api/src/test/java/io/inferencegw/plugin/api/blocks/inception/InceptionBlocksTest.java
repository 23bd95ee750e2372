package io.inferencegw.plugin.api.blocks.inception;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.StateDict;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class InceptionBlocksTest {

  @Test
  void basicConv2dHasTorchvisionsKeysAndRectangularKernels() {
    try (BasicConv2d unit = new BasicConv2d(8, 16, 1, 7, 1, 0, 3);
        PointerScope scope = new PointerScope()) {
      Map<String, Tensor> sd = StateDict.of(unit);
      assertEquals(List.of("conv.weight", "bn.weight", "bn.bias", "bn.running_mean",
          "bn.running_var", "bn.num_batches_tracked"), List.copyOf(sd.keySet()));
      assertEquals(List.of(16L, 8L, 1L, 7L), shape(sd.get("conv.weight")));
      // the 1x7 convolution's weight (no bias), the batch norm's weight and bias
      assertEquals(8 * 16 * 1 * 7 + 2 * 16, StateDict.parameterCount(unit));
      assertEquals(1e-3, unit.bn().options().eps().get(), 0);
      assertEquals(16, unit.outChannels());
    }
  }

  @Test
  void samePadsHalfTheKernelSoTheSizeIsKept() {
    int[][] kernels = {{1, 7}, {7, 1}, {1, 3}, {3, 1}, {3, 3}, {5, 5}};
    for (int[] k : kernels) {
      try (BasicConv2d unit = BasicConv2d.same(4, 6, k[0], k[1]);
          PointerScope scope = new PointerScope();
          InferenceMode guard = new InferenceMode()) {
        unit.eval();
        String what = k[0] + "x" + k[1];
        assertEquals(List.of(6L, 4L, (long) k[0], (long) k[1]),
            shape(unit.conv().weight()), what);
        // in + 2 * pad - kernel + 1 = in only with pad = (kernel - 1) / 2 along each axis
        assertEquals(List.of(2L, 6L, 9L, 11L), shape(unit.forward(torch.randn(2, 4, 9, 11))),
            what);
      }
    }
  }

  @Test
  void basicConv2dIsConvThenBatchNormThenRelu() {
    try (BasicConv2d unit = new BasicConv2d(4, 6, 3, 2, 1);
        PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      unit.eval();
      Tensor x = torch.randn(2, 4, 9, 9);
      Tensor y = unit.forward(x);
      assertEquals(List.of(2L, 6L, 5L, 5L), shape(y));
      Tensor expected = unit.bn().forward(unit.conv().forward(x)).relu();
      assertTrue(torch.equal(expected, y));
    }
  }

  @Test
  void transformInputIsTorchvisionsChannelFormula() {
    try (PointerScope scope = new PointerScope()) {
      Tensor x = torch.randn(2, 3, 5, 7);
      Tensor copy = x.clone();
      Tensor y = TransformInput.IMAGENET.forward(x);
      double[] mean = {0.485, 0.456, 0.406};
      double[] std = {0.229, 0.224, 0.225};
      Tensor[] channels = new Tensor[3];
      for (int c = 0; c < 3; c++) {
        // x_c * (std / 0.5) + (mean - 0.5) / 0.5, the float32 arithmetic of torchvision
        channels[c] = x.select(1, c).mul(new Scalar(std[c] / 0.5))
            .add(new Scalar((mean[c] - 0.5) / 0.5));
      }
      assertTrue(torch.equal(torch.stack(new TensorVector(channels), 1), y));
      assertTrue(torch.equal(x, copy), "input unchanged");
      // ImageNet-normalised mid grey (0.5) becomes 0, the TensorFlow normalisation
      Tensor grey = torch.ones(1, 3, 1, 1).mul(new Scalar(0.5));
      Tensor normalised = grey.sub(torch.tensor(new float[] {0.485f, 0.456f, 0.406f})
          .view(1, 3, 1, 1)).div(torch.tensor(new float[] {0.229f, 0.224f, 0.225f})
          .view(1, 3, 1, 1));
      assertTrue(TransformInput.IMAGENET.forward(normalised).abs().max().item_double() < 1e-6);
    }
  }

  private static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
