package io.inferencegw.plugin.api.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.blocks.inception.BasicConv2d;
import io.inferencegw.plugin.api.testing.Await;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class BranchesTest {

  private static final Functional POOL = Layers.maxPool2d(3, 1, 1, false);

  @Test
  void keysFollowTheOrderBranchesAndStepsWereAddedInBothLayouts() {
    Branches b = new Branches();
    b.branch("nested", Sequential.of(new BasicConv2d(2, 3, 1), new BasicConv2d(3, 3, 1)));
    b.chain("flat_", 1, new BasicConv2d(2, 4, 1), new BasicConv2d(4, 4, 1))
        .fork("flat_2a", new BasicConv2d(4, 1, 1), "flat_2b", new BasicConv2d(4, 2, 1));
    b.branch(POOL).then("pool_proj", new BasicConv2d(2, 5, 1));
    b.branch(POOL);
    try (b; PointerScope scope = new PointerScope()) {
      List<String> convWeights = StateDict.of(b).keySet().stream()
          .filter(k -> k.endsWith("conv.weight")).toList();
      assertEquals(List.of("nested.0.conv.weight", "nested.1.conv.weight",
          "flat_1.conv.weight", "flat_2.conv.weight", "flat_2a.conv.weight",
          "flat_2b.conv.weight", "pool_proj.conv.weight"), convWeights);
      // nested, two fork heads, pool_proj's branch, the bare pool
      assertEquals(5, b.outputs());
    }
  }

  @Test
  void forwardConcatenatesTheBranchOutputsInOrderAndLeavesTheInput() {
    torch.manual_seed(3);
    BasicConv2d unit = new BasicConv2d(2, 3, 1);
    BasicConv2d first = new BasicConv2d(2, 4, 1);
    BasicConv2d second = new BasicConv2d(4, 4, 3, 1, 1);
    BasicConv2d headA = new BasicConv2d(4, 1, 1);
    BasicConv2d headB = new BasicConv2d(4, 2, 1);
    BasicConv2d proj = new BasicConv2d(2, 5, 1);
    Branches b = new Branches();
    b.branch("unit", unit);
    b.chain("stem_", 0, first, second).fork("head_a", headA, "head_b", headB);
    b.branch(POOL).then("proj", proj);
    b.branch(POOL);
    try (b; PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      b.eval();
      Tensor x = torch.randn(2, 2, 6, 6);
      Tensor copy = x.clone();
      Tensor stem = second.forward(first.forward(x));
      Tensor expected = torch.cat(new TensorVector(unit.forward(x), headA.forward(stem),
          headB.forward(stem), proj.forward(POOL.forward(x)), POOL.forward(x)), 1);
      Tensor y = b.forward(x);
      assertEquals(3 + 1 + 2 + 5 + 2, y.size(1));
      assertTrue(torch.equal(expected, y));
      assertFalse(x.isNull(), "the input is not closed");
      assertTrue(torch.equal(copy, x), "nor changed");
    }
  }

  @Test
  void onlyTheLastBranchTakesStepsAndOnlyUntilItForks() {
    try (Branches b = new Branches()) {
      Branches.Branch earlier = b.branch(POOL);
      b.branch(POOL);
      // steps of an earlier branch would be keyed after a later branch's modules
      assertThrows(IllegalStateException.class,
          () -> earlier.then("late", new BasicConv2d(2, 2, 1)));
      Branches.Branch forked = b.chain("c", 0, new BasicConv2d(2, 2, 1));
      forked.fork("a", new BasicConv2d(2, 1, 1), "b", new BasicConv2d(2, 1, 1));
      assertThrows(IllegalStateException.class, () -> forked.then(POOL));
      assertThrows(IllegalArgumentException.class, () -> b.chain("none", 0));
      assertEquals(4, b.outputs());
    }
  }

  @Test
  void aBranchThatReturnsItsInputIsRefusedBeforeTheInputIsClosed() {
    // concatenation closes its parts: were the block's input one of them, the caller's tensor
    // would be freed under its feet
    Branches b = new Branches();
    b.branch(new Functional("identity", x -> x));
    try (b; PointerScope scope = new PointerScope()) {
      Tensor x = torch.ones(1, 2, 3, 3);
      assertThrows(IllegalStateException.class, () -> b.forward(x));
      assertFalse(x.isNull());
      assertEquals(18.0, x.sum().item_double());
    }
  }

  @Test
  void aBuiltBlockSurvivesGarbageCollectionOfItsUnitsReferences() {
    try (Branches b = built(); PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      Await.garbageCollection();
      b.eval();
      assertEquals(4 * 6, StateDict.of(b).size());
      Tensor y = b.forward(torch.randn(1, 2, 5, 5));
      assertEquals(List.of(1L, 4L, 5L, 5L),
          Arrays.stream(y.sizes().vec().get()).boxed().toList());
    }
  }

  /** A block whose units are referenced from nowhere but the block once this returns. */
  private static Branches built() {
    Branches b = new Branches();
    b.branch("nested", Sequential.of(new BasicConv2d(2, 1, 1)));
    b.chain("flat_", 1, new BasicConv2d(2, 1, 1)).fork(
        "flat_2a", new BasicConv2d(1, 1, 1), "flat_2b", new BasicConv2d(1, 2, 1));
    return b;
  }
}
