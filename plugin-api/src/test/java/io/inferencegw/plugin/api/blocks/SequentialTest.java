package io.inferencegw.plugin.api.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.StateDict;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class SequentialTest {

  @Test
  void childrenAreNumberedInOrderIncludingParameterlessOnes() {
    Sequential s = new Sequential()
        .add(Layers.conv2d(3, 4, 3, 1, 1))
        .add(Layers.RELU)
        .add(Layers.maxPool2d(2, 2))
        .add(Layers.dropout(0.5))
        .add(Layers.batchNorm2d(4));
    try (PointerScope scope = new PointerScope()) {
      assertEquals(List.of("0.weight", "0.bias", "4.weight", "4.bias", "4.running_mean",
          "4.running_var", "4.num_batches_tracked"), List.copyOf(StateDict.of(s).keySet()));
    }
    assertEquals(5, s.size());
    assertTrue(s.toString().startsWith("Sequential(0: Conv2d, 1: ReLU(inplace=True), 2: MaxPool2d"),
        s.toString());
  }

  @Test
  void ofIndexesJavaBlocksFromZero() {
    Sequential s = Sequential.of(new Sequential().add(Layers.conv2d(3, 4, 1, 1, 0)),
        new Sequential().add(Layers.RELU).add(Layers.linear(4, 2)));
    try (PointerScope scope = new PointerScope()) {
      assertEquals(List.of("0.0.weight", "0.0.bias", "1.1.weight", "1.1.bias"),
          List.copyOf(StateDict.of(s).keySet()));
    }
    assertEquals(2, s.size());
  }

  @Test
  void nestedSequentialsGiveDottedKeys() {
    Parent parent = new Parent();
    try (PointerScope scope = new PointerScope()) {
      assertEquals(List.of("features.0.weight", "features.0.bias", "features.2.0.weight",
          "features.2.0.bias", "classifier.1.weight", "classifier.1.bias"),
          List.copyOf(StateDict.of(parent).keySet()));
    }
  }

  static final class Parent extends Module {
    Parent() {
      register_module("features", new Sequential()
          .add(Layers.conv2d(3, 4, 3, 1, 1))
          .add(Layers.RELU)
          .add(new Sequential().add(Layers.conv2d(4, 4, 1, 1, 0))));
      register_module("classifier", new Sequential()
          .add(Layers.dropout(0.5))
          .add(Layers.linear(4, 2)));
    }
  }

  @Test
  void forwardRunsTheChildrenInOrder() {
    Sequential s = new Sequential()
        .add(new Functional("+1", x -> x.add(new Scalar(1.0))))
        .add(new Functional("*3", x -> x.mul(new Scalar(3.0))))
        .add(Layers.RELU)
        .add(Layers.FLATTEN);
    try (PointerScope scope = new PointerScope()) {
      Tensor input = torch.tensor(new float[] {-2f, 0f, 1f}).reshape(1, 3);
      Tensor out = s.forward(input);
      assertTrue(torch.equal(torch.tensor(new float[] {0f, 3f, 6f}).reshape(1, 3), out));
      assertTrue(torch.equal(torch.tensor(new float[] {-2f, 0f, 1f}).reshape(1, 3), input),
          "the caller's input is left alone");
    }
  }

  @Test
  void intermediatesAreFreedAtOnceButTheInputAndResultStay() {
    List<Tensor> seen = new ArrayList<>();
    Layer recordAndAdd = x -> {
      seen.add(x);
      return x.add(new Scalar(1.0));
    };
    Layer recordInPlace = x -> {
      seen.add(x);
      x.relu_();
      return x;
    };
    try (PointerScope scope = new PointerScope();
        InferenceMode guard = new InferenceMode()) {
      Tensor input = torch.zeros(2, 2);
      Tensor out = Layers.chain(input, recordAndAdd, recordAndAdd, recordInPlace, recordAndAdd);
      assertSame(input, seen.get(0));
      assertFalse(input.isNull(), "input kept");
      assertTrue(seen.get(1).isNull(), "first intermediate freed after use");
      assertSame(seen.get(2), seen.get(3), "in-place layer got and returned the same handle");
      assertTrue(seen.get(3).isNull(), "freed once the next layer had a new result");
      assertFalse(out.isNull());
      assertEquals(3f, out.max().item_float());
    }
  }
}
