package io.inferencegw.plugin.api.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Shared test data: the Java twin of {@code fixture_tensors()} in safetensors_io.py. */
final class Fixtures {

  static final Map<String, String> METADATA =
      orderedMap("format", "pt", "origin", "safetensors_io fixture");

  private Fixtures() {}

  /**
   * Must stay identical to {@code fixture_tensors()} in deploy/python/safetensors_io.py:
   * every supported dtype, a 0-dim tensor, an empty one and a non-contiguous (transposed) one.
   * All values are exact in their dtype.
   */
  static Map<String, Tensor> tensors() {
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("f32", floats(ScalarType.Float, new long[] {2, 3, 4}, i -> (i - 12) / 8.0f, 24));
    t.put("f16", floats(ScalarType.Half, new long[] {3, 2}, i -> i / 4.0f, 6));
    t.put("bf16", floats(ScalarType.BFloat16, new long[] {5}, i -> i * -0.5f, 5));
    t.put("f64", floats(ScalarType.Double, new long[] {2, 2}, i -> (i - 1.5f) / 1024, 4));
    t.put("i64", ints(ScalarType.Long, new long[] {3}, -3, 0, 1L << 40));
    t.put("i32", ints(ScalarType.Int, new long[] {2, 2}, 1, -2, 3, -4));
    t.put("i16", ints(ScalarType.Short, new long[] {2}, -32768, 32767));
    t.put("i8", ints(ScalarType.Char, new long[] {3}, -128, 5, 127));
    t.put("u8", ints(ScalarType.Byte, new long[] {3}, 0, 255, 7));
    t.put("bool", ints(ScalarType.Bool, new long[] {3}, 1, 0, 1));
    t.put("scalar", floats(ScalarType.Float, new long[] {}, i -> 3.5f, 1));
    t.put("empty", torch.zeros(0, 3));
    t.put("transposed", ints(ScalarType.Long, new long[] {2, 3}, 0, 1, 2, 3, 4, 5).t());
    return t;
  }

  interface FloatOfIndex {
    float at(int i);
  }

  static Tensor floats(ScalarType type, long[] shape, FloatOfIndex value, int count) {
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = value.at(i);
    }
    return torch.tensor(v).reshape(shape).to(type);
  }

  static Tensor ints(ScalarType type, long[] shape, long... values) {
    return torch.tensor(values).reshape(shape).to(type);
  }

  static long[] shape(Tensor t) {
    return t.sizes().vec().get();
  }

  /** Same names in the same order, and per tensor the same dtype, shape and values. */
  static void assertSameTensors(Map<String, Tensor> expected, Map<String, Tensor> actual) {
    assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()));
    expected.forEach((name, want) -> assertSameTensor(name, want, actual.get(name)));
  }

  static void assertSameTensor(String name, Tensor expected, Tensor actual) {
    assertEquals(expected.scalar_type().intern(), actual.scalar_type().intern(), name + " dtype");
    assertArrayEquals(shape(expected), shape(actual), name + " shape");
    assertTrue(torch.equal(expected, actual), name + " values differ");
  }

  static Map<String, String> orderedMap(String... keyValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}
