package io.inferencegw.plugins.dpn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.blocks.Init;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * A {@link DualPathBlock} against timm's {@code DualPathBlock.forward} written out with
 * LibTorch's functions on the block's own weights: the residual path is added, the dense path
 * concatenated.
 */
class DualPathBlockTest {

  // a small block: residual path 12 channels, bottleneck 16 in 4 groups, dense growth 3
  private static final int RESID = 12;
  private static final int DENSE = 7;
  private static final int R = 16;
  private static final int INC = 3;
  private static final int GROUPS = 4;

  @Test
  void normalBlockAddsToTheResidualPathAndConcatenatesToTheDensePathInPlace() {
    for (boolean b : new boolean[] {false, true}) {
      torch.manual_seed(11);
      DualPathBlock block = new DualPathBlock(RESID + DENSE, R, R, RESID, INC, GROUPS,
          DualPathBlock.Type.NORMAL, b, RESID + DENSE + INC);
      randomize(block);
      block.eval();
      try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
        Tensor resid = torch.randn(2, RESID, 6, 5);
        Tensor dense = torch.randn(2, DENSE, 6, 5);
        Tensor[] expected = timm(StateDict.of(block), resid, dense, null, 1, b);
        // the stage tensor: cat(resid, dense) and room for this block's dense channels
        Tensor stage = torch.cat(new TensorVector(resid, dense, torch.zeros(2, INC, 6, 5)), 1);
        Tensor out = block.forward(stage);
        assertSame(stage, out, "a later block of a stage works in place");
        assertClose(cat(expected), out, "b=" + b);
      }
    }
  }

  @Test
  void firstBlocksProjectTheInputIntoBothPaths() {
    for (DualPathBlock.Type type : List.of(DualPathBlock.Type.PROJ, DualPathBlock.Type.DOWN)) {
      for (boolean b : new boolean[] {false, true}) {
        torch.manual_seed(12);
        int in = 10;
        DualPathBlock block = new DualPathBlock(in, R, R, RESID, INC, GROUPS, type, b,
            RESID + 3 * INC + 2 * INC);
        randomize(block);
        block.eval();
        try (PointerScope scope = new PointerScope();
            InferenceMode guard = new InferenceMode()) {
          Map<String, Tensor> p = StateDict.of(block);
          String proj = type == DualPathBlock.Type.DOWN ? "c1x1_w_s2" : "c1x1_w_s1";
          assertTrue(p.containsKey(proj + ".conv.weight"), p.keySet().toString());
          Tensor x = torch.randn(2, in, 9, 8);
          Tensor[] expected = timm(p, x, null, proj, type.stride, b);
          Tensor out = block.forward(x);
          long size = type == DualPathBlock.Type.DOWN ? 5 : 9;
          assertEquals(List.of(2L, (long) RESID + 5 * INC, size, type == DualPathBlock.Type.DOWN
              ? 4L : 8L), shape(out), "the stage tensor, with room for two more blocks");
          assertClose(cat(expected), out.narrow(1, 0, RESID + 3 * INC), type + " b=" + b);
        }
      }
    }
  }

  @Test
  void aStageOfBlocksEqualsTimmsChainOfPairs() {
    for (boolean b : new boolean[] {false, true}) {
      torch.manual_seed(13);
      int in = 10;
      int blocks = 3;
      int stageChannels = RESID + (blocks + 2) * INC;
      List<DualPathBlock> stage = new ArrayList<>();
      int inChs = in;
      for (int i = 0; i < blocks; i++) {
        DualPathBlock block = new DualPathBlock(inChs, R, R, RESID, INC, GROUPS,
            i == 0 ? DualPathBlock.Type.DOWN : DualPathBlock.Type.NORMAL, b, stageChannels);
        randomize(block);
        block.eval();
        stage.add(block);
        inChs = block.outChannels();
      }
      assertEquals(stageChannels, inChs, "the stage tensor is exactly full after the stage");
      try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
        Tensor x = torch.randn(2, in, 9, 8);
        Tensor[] pair = timm(StateDict.of(stage.get(0)), x, null, "c1x1_w_s2", 2, b);
        for (int i = 1; i < blocks; i++) {
          pair = timm(StateDict.of(stage.get(i)), pair[0], pair[1], null, 1, b);
        }
        Tensor out = x;
        for (DualPathBlock block : stage) {
          out = block.forward(out);
        }
        assertClose(cat(pair), out, "b=" + b);
      }
    }
  }

  @Test
  void keysAreTimmsInRegistrationOrder() {
    DualPathBlock plain = new DualPathBlock(10, R, R, RESID, INC, GROUPS,
        DualPathBlock.Type.DOWN, false, RESID + 3 * INC);
    DualPathBlock b = new DualPathBlock(10, R, R, RESID, INC, GROUPS,
        DualPathBlock.Type.NORMAL, true, RESID + 3 * INC);
    try (PointerScope scope = new PointerScope()) {
      assertEquals(List.of("c1x1_w_s2.bn.weight", "c1x1_w_s2.conv.weight", "c1x1_a.bn.weight",
          "c1x1_a.conv.weight", "c3x3_b.bn.weight", "c3x3_b.conv.weight", "c1x1_c.bn.weight",
          "c1x1_c.conv.weight"), weights(plain));
      assertEquals(List.of("c1x1_a.bn.weight", "c1x1_a.conv.weight", "c3x3_b.bn.weight",
          "c3x3_b.conv.weight", "c1x1_c.bn.weight", "c1x1_c1.weight", "c1x1_c2.weight"),
          weights(b));
      assertEquals(List.of((long) R, (long) R / GROUPS, 3L, 3L),
          shape(StateDict.of(plain).get("c3x3_b.conv.weight")));
    }
  }

  /** timm's forward: returns {resid, dense}. {@code dense == null}: x is the whole input. */
  private static Tensor[] timm(Map<String, Tensor> p, Tensor resid, Tensor dense, String proj,
      int stride, boolean b) {
    Tensor xIn = dense == null ? resid : torch.cat(new TensorVector(resid, dense), 1);
    Tensor xS1 = resid;
    Tensor xS2 = dense;
    if (proj != null) {
      Tensor xS = bnActConv(p, proj, xIn, stride, 1);
      xS1 = xS.narrow(1, 0, RESID);
      xS2 = xS.narrow(1, RESID, xS.size(1) - RESID);
    }
    Tensor a = bnActConv(p, "c1x1_a", xIn, 1, 1);
    Tensor c = bnActConv(p, "c3x3_b", a, stride, GROUPS);
    Tensor out1;
    Tensor out2;
    if (b) {
      c = torch.relu(norm(p, "c1x1_c.bn", c));
      out1 = conv(c, p.get("c1x1_c1.weight"), 1, 1);
      out2 = conv(c, p.get("c1x1_c2.weight"), 1, 1);
    } else {
      c = bnActConv(p, "c1x1_c", c, 1, 1);
      out1 = c.narrow(1, 0, RESID);
      out2 = c.narrow(1, RESID, INC);
    }
    return new Tensor[] {xS1.add(out1), torch.cat(new TensorVector(xS2, out2), 1)};
  }

  private static Tensor bnActConv(Map<String, Tensor> p, String name, Tensor x, int stride,
      int groups) {
    return conv(torch.relu(norm(p, name + ".bn", x)), p.get(name + ".conv.weight"), stride,
        groups);
  }

  private static Tensor conv(Tensor x, Tensor w, int stride, int groups) {
    long padding = ((stride - 1) + (w.size(2) - 1)) / 2;
    return torch.conv2d(x, w, new TensorOptional(), new long[] {stride, stride},
        new long[] {padding, padding}, new long[] {1, 1}, groups);
  }

  /** timm's BatchNormAct2d norm in eval mode, eps 1e-3, written out. */
  private static Tensor norm(Map<String, Tensor> p, String name, Tensor x) {
    long c = x.size(1);
    Tensor mean = p.get(name + ".running_mean").reshape(1, c, 1, 1);
    Tensor std = p.get(name + ".running_var").add(new Scalar(1e-3)).sqrt().reshape(1, c, 1, 1);
    return x.sub(mean).div(std).mul(p.get(name + ".weight").reshape(1, c, 1, 1))
        .add(p.get(name + ".bias").reshape(1, c, 1, 1));
  }

  static void randomize(Module module) {
    try (PointerScope scope = new PointerScope()) {
      StateDict.of(module).forEach((key, t) -> {
        if (key.endsWith("running_mean") || key.endsWith(".bias")) {
          Init.normal(t, 0, 0.3);
        } else if (key.endsWith("running_var") || (key.endsWith(".weight") && t.dim() == 1)) {
          torch.uniform_(t, 0.5, 1.5);
        }
      });
    }
  }

  private static Tensor cat(Tensor[] paths) {
    return torch.cat(new TensorVector(paths[0], paths[1]), 1);
  }

  private static List<String> weights(Module m) {
    return StateDict.of(m).keySet().stream().filter(k -> k.endsWith("weight")).toList();
  }

  private static void assertClose(Tensor expected, Tensor actual, String what) {
    assertEquals(shape(expected), shape(actual), what);
    double diff = expected.sub(actual).abs().max().item_double();
    assertTrue(diff < 1e-5, what + ": max |diff| " + diff);
  }

  private static List<Long> shape(Tensor t) {
    return Arrays.stream(t.sizes().vec().get()).boxed().toList();
  }
}
