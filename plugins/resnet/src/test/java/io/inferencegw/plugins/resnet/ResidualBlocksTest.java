package io.inferencegw.plugins.resnet;

import static io.inferencegw.plugins.resnet.ResNet.Block.BASIC;
import static io.inferencegw.plugins.resnet.ResNet.Block.BOTTLENECK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.StateDict;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** The residual blocks against a direct computation with LibTorch's functions. */
class ResidualBlocksTest {

  @Test
  void basicBlockIsReluOfTwoConvNormsPlusTheInput() {
    torch.manual_seed(1);
    BasicBlock block = new BasicBlock(8, 8);
    randomizeNorms(block);
    block.eval();
    try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      Map<String, Tensor> p = StateDict.of(block);
      Tensor x = torch.randn(2, 8, 6, 5);
      Tensor r = torch.relu(norm(p, "bn1", conv(x, p.get("conv1.weight"), 1, 1, 1)));
      Tensor expected = torch.relu(norm(p, "bn2", conv(r, p.get("conv2.weight"), 1, 1, 1)).add(x));
      Tensor actual = block.forward(x);
      assertClose(expected, actual);
      assertEquals(List.of(2L, 8L, 6L, 5L), shape(x), "input untouched in shape");
    }
  }

  @Test
  void groupedBottleneckWithProjectionMatchesADirectComputation() {
    torch.manual_seed(2);
    // ResNeXt-style: 4 groups of width 8 at 16 planes -> width int(16 * 8/64) * 4 = 8
    int width = Bottleneck.width(16, 4, 8);
    assertEquals(8, width);
    Bottleneck block = new Bottleneck(12, 16, 2, ResidualBlock.projection(12, 64, 2), 4, 8, 1);
    randomizeNorms(block);
    block.eval();
    try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      Map<String, Tensor> p = StateDict.of(block);
      Tensor x = torch.randn(2, 12, 9, 8);
      Tensor a = torch.relu(norm(p, "bn1", conv(x, p.get("conv1.weight"), 1, 0, 1)));
      Tensor b = torch.relu(norm(p, "bn2", conv(a, p.get("conv2.weight"), 2, 1, 4)));
      Tensor c = norm(p, "bn3", conv(b, p.get("conv3.weight"), 1, 0, 1));
      Tensor shortcut = norm(p, "downsample.1", conv(x, p.get("downsample.0.weight"), 2, 0, 1));
      Tensor expected = torch.relu(c.add(shortcut));
      Tensor actual = block.forward(x);
      assertEquals(List.of(2L, 64L, 5L, 4L), shape(actual));
      assertClose(expected, actual);
    }
  }

  @Test
  void keysFollowTorchvisionsRegistrationOrder() {
    Bottleneck block = new Bottleneck(64, 64, 1, ResidualBlock.projection(64, 256, 1), 1, 64, 1);
    try (PointerScope scope = new PointerScope()) {
      List<String> keys = List.copyOf(StateDict.of(block).keySet());
      assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean",
          "bn1.running_var", "bn1.num_batches_tracked", "conv2.weight"), keys.subList(0, 7));
      assertEquals(List.of("conv3.weight", "bn3.weight", "bn3.bias", "bn3.running_mean",
          "bn3.running_var", "bn3.num_batches_tracked", "downsample.0.weight",
          "downsample.1.weight", "downsample.1.bias", "downsample.1.running_mean",
          "downsample.1.running_var", "downsample.1.num_batches_tracked"),
          keys.subList(keys.size() - 12, keys.size()));
    }
  }

  @Test
  void basicBlockRefusesWhatTorchvisionRefuses() {
    assertThrows(IllegalArgumentException.class, () -> new BasicBlock(8, 8, 1, null, 2, 64, 1));
    assertThrows(IllegalArgumentException.class, () -> new BasicBlock(8, 8, 1, null, 1, 64, 2));
  }

  @Test
  void aStageHasTheBlocksItsConfigSays() {
    for (ResNet.Config c : List.of(ResNet.Config.of(BASIC, 1, 2, 1, 1),
        ResNet.Config.of(BOTTLENECK, 1, 1, 2, 1),
        ResNet.Config.of(BOTTLENECK, 1, 1, 1, 1).withGroups(8, 4))) {
      try (ResNet net = c.build(10)) {
        assertEquals(c.layers().stream().mapToInt(Integer::intValue).sum(), net.blocks().size());
      }
    }
  }

  @Test
  void zeroInitResidualStartsEveryBlockAsTheIdentity() {
    try (ResNet net = new ResNet(ResNet.Config.of(BASIC, 1, 1, 1, 1), 10, true, new boolean[3]);
        PointerScope scope = new PointerScope()) {
      for (ResidualBlock b : net.blocks()) {
        assertEquals(0, b.lastNorm().weight().abs().max().item_double(), 0);
      }
    }
  }

  @Test
  void dilationReplacesTheStrideOfLaterStages() {
    try (ResNet net = new ResNet(ResNet.Config.of(BOTTLENECK, 1, 1, 1, 1), 10, false,
            new boolean[] {false, true, true});
        PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      net.eval();
      Tensor features = torch.randn(1, 3, 64, 64);
      assertEquals(List.of(1L, 10L), shape(net.forward(features)));
    }
  }

  private static Tensor conv(Tensor x, Tensor w, int stride, int padding, int groups) {
    return torch.conv2d(x, w, new TensorOptional(), new long[] {stride, stride},
        new long[] {padding, padding}, new long[] {1, 1}, groups);
  }

  /** Batch norm in eval mode written out: (x - mean) / sqrt(var + eps) * weight + bias. */
  private static Tensor norm(Map<String, Tensor> p, String name, Tensor x) {
    long c = x.size(1);
    Tensor mean = p.get(name + ".running_mean").reshape(1, c, 1, 1);
    Tensor std = p.get(name + ".running_var").add(new Scalar(1e-5)).sqrt().reshape(1, c, 1, 1);
    return x.sub(mean).div(std).mul(p.get(name + ".weight").reshape(1, c, 1, 1))
        .add(p.get(name + ".bias").reshape(1, c, 1, 1));
  }

  /** Norm statistics and affine parameters that are not the identity. */
  static void randomizeNorms(Module module) {
    try (PointerScope scope = new PointerScope()) {
      StateDict.of(module).forEach((key, t) -> {
        if (key.endsWith("running_mean") || key.endsWith(".bias")) {
          io.inferencegw.plugin.api.blocks.Init.normal(t, 0, 0.2);
        } else if (key.endsWith("running_var")
            || (key.endsWith(".weight") && t.dim() == 1)) {
          torch.uniform_(t, 0.5, 1.5);
        }
      });
    }
  }

  private static void assertClose(Tensor expected, Tensor actual) {
    assertEquals(shape(expected), shape(actual));
    double diff = expected.sub(actual).abs().max().item_double();
    assertTrue(diff < 1e-5, "max |diff| " + diff);
  }

  private static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
