package io.inferencegw.plugins.swin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.StateDict;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class ShiftedWindowAttentionTest {

  private static final int[] WINDOW = {2, 2};
  private static final int[] SHIFT = {1, 1};

  @Test
  void shiftMaskEqualsTheRegionComparisonTokenByToken() {
    // {padH, padW, shiftH, shiftW, windowH, windowW}: swin_t's and swin_v2_t's shifted stages,
    // a shift along one axis only (padded height one window), a non-square window
    long[][] cases = {
        {56, 56, 3, 3, 7, 7}, {28, 28, 3, 3, 7, 7}, {14, 14, 3, 3, 7, 7},
        {64, 64, 4, 4, 8, 8}, {8, 16, 0, 4, 8, 8}, {4, 4, 1, 1, 2, 2}, {6, 8, 1, 2, 3, 4}};
    for (long[] c : cases) {
      int[] window = {(int) c[4], (int) c[5]};
      float[] expected = loopMask(c[0], c[1], c[2], c[3], window);
      try (PointerScope scope = new PointerScope()) {
        Tensor mask = ShiftedWindowAttention.shiftMask(c[0], c[1], c[2], c[3], window);
        long windows = (c[0] / c[4]) * (c[1] / c[5]);
        long n = c[4] * c[5];
        assertArrayEquals(new long[] {windows, n, n}, mask.sizes().vec().get());
        float[] actual = new float[expected.length];
        mask.contiguous().data_ptr_float().get(actual);
        assertArrayEquals(expected, actual, Arrays.toString(c));
      }
    }
  }

  /** The mask token pair by token pair, as the regions say: the definition, in loops. */
  private static float[] loopMask(long padH, long padW, long shiftH, long shiftW, int[] window) {
    int wh = window[0];
    int ww = window[1];
    int[] rowRegion = ShiftedWindowAttention.regions((int) padH, wh, (int) shiftH);
    int[] colRegion = ShiftedWindowAttention.regions((int) padW, ww, (int) shiftW);
    int nh = (int) padH / wh;
    int nw = (int) padW / ww;
    int n = wh * ww;
    float[] mask = new float[nh * nw * n * n];
    for (int ih = 0; ih < nh; ih++) {
      for (int iw = 0; iw < nw; iw++) {
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            int idI = rowRegion[ih * wh + i / ww] * 3 + colRegion[iw * ww + i % ww];
            int idJ = rowRegion[ih * wh + j / ww] * 3 + colRegion[iw * ww + j % ww];
            mask[((ih * nw + iw) * n + i) * n + j] =
                idI == idJ ? 0f : ShiftedWindowAttention.MASKED;
          }
        }
      }
    }
    return mask;
  }

  @Test
  void masksAreBuiltOncePerPaddedSizeBoundedAndFreedOnClose() {
    torch.manual_seed(1);
    ShiftedWindowAttention attn = new ShiftedWindowAttention(8, WINDOW, SHIFT, 2);
    try (attn; PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      Tensor x = torch.randn(2, 4, 6, 8);
      Tensor first = attn.forward(x);
      assertEquals(1, attn.cachedMasks());
      // 3x5 pads to 4x6: the same mask
      attn.forward(torch.randn(1, 3, 5, 8));
      assertEquals(1, attn.cachedMasks());
      Tensor cached = attn.forward(x);
      assertTrue(torch.equal(first, cached));
      // built afresh, the same result
      attn.releaseCachedMasks();
      assertEquals(0, attn.cachedMasks());
      assertTrue(torch.equal(first, attn.forward(x)));
      for (int size = 4; size < 4 + 2 * (ShiftMaskCache.CAPACITY + 2); size += 2) {
        attn.forward(torch.randn(1, size, 4, 8));
      }
      assertEquals(ShiftMaskCache.CAPACITY, attn.cachedMasks());
      attn.close();
      assertEquals(0, attn.cachedMasks());
    }
  }

  @Test
  void unshiftedWindowsNeedNoMask() {
    try (ShiftedWindowAttention attn = new ShiftedWindowAttention(8, WINDOW, new int[] {0, 0}, 2);
        PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      attn.forward(torch.randn(1, 4, 4, 8));
      // a window covering the map: the shift is dropped
      ShiftedWindowAttention shifted = new ShiftedWindowAttention(8, WINDOW, SHIFT, 2);
      shifted.forward(torch.randn(1, 2, 2, 8));
      assertEquals(0, attn.cachedMasks());
      assertEquals(0, shifted.cachedMasks());
      shifted.close();
    }
  }

  @Test
  void closingTheNetworkFreesTheCachedMasks() {
    try (SwinTransformer model = (SwinTransformer) new SwinFamily().build("swin_t")) {
      model.eval();
      try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
        model.forward(torch.randn(1, 3, 64, 64)); // stage 1: 16x16 tokens, shifted windows
      }
      assertTrue(model.blocks().stream().mapToInt(b -> b.attn().cachedMasks()).sum() > 0);
      model.close();
      assertEquals(0, model.blocks().stream().mapToInt(b -> b.attn().cachedMasks()).sum());
    }
  }

  /**
   * Nothing of a forward pass stays behind in the caller's open scope: the pass attaches one
   * handle to it, its result, and the input's and weights' storages have no more references
   * after the pass than before it (a handle left open on a view of either would add one). For
   * V1 and V2, shifted and padded or neither (then the partition starts with views of the
   * input).
   */
  @Test
  void aForwardPassLeavesNothingButItsResultInTheCallersScope() throws Exception {
    List<ShiftedWindowAttention> modules = List.of(
        new ShiftedWindowAttention(8, WINDOW, SHIFT, 2),
        new ShiftedWindowAttentionV2(8, WINDOW, SHIFT, 2),
        new ShiftedWindowAttention(8, WINDOW, new int[] {0, 0}, 2));
    for (ShiftedWindowAttention attn : modules) {
      for (long[] shape : new long[][] {{2, 4, 6, 8}, {2, 3, 5, 8}}) {
        try (PointerScope scope = new PointerScope();
            InferenceMode guard = new InferenceMode()) {
          Tensor x = torch.randn(shape);
          Tensor weight = StateDict.of(attn).get("qkv.weight");
          attn.forward(x); // the mask is cached now
          long inputRefs = x.storage().use_count();
          long weightRefs = weight.storage().use_count();
          int handles = attached(scope);
          Tensor out = attn.forward(x);
          assertEquals(handles + 1, attached(scope), "handles left in the caller's scope");
          assertEquals(inputRefs, x.storage().use_count());
          assertEquals(weightRefs, weight.storage().use_count());
          assertArrayEquals(shape, out.sizes().vec().get());
          assertTrue(torch.isfinite(out).all().item_bool());
        }
      }
      attn.close();
    }
  }

  /** Handles attached to {@code scope} (JavaCPP keeps them in a package-private field). */
  private static int attached(PointerScope scope) throws ReflectiveOperationException {
    Field stack = PointerScope.class.getDeclaredField("pointerStack");
    stack.setAccessible(true);
    return ((Collection<?>) stack.get(scope)).size();
  }

  @Test
  void aScopedStepFreesItsIntermediatesAndHandsItsResultToTheEnclosingScope() {
    Tensor[] intermediate = new Tensor[1];
    Tensor result;
    try (PointerScope outer = new PointerScope()) {
      result = TensorScope.run(() -> {
        intermediate[0] = torch.ones(3);
        return intermediate[0].mul(intermediate[0]);
      });
      assertTrue(intermediate[0].isNull()); // freed with the step
      assertFalse(result.isNull());
      assertEquals(3.0, result.sum().item_double());
    }
    assertTrue(result.isNull()); // freed with the enclosing scope
  }

  @Test
  void withoutAnEnclosingScopeTheCallerOwnsTheResult() {
    Tensor result = TensorScope.run(() -> torch.ones(2).add(torch.ones(2)));
    assertFalse(result.isNull());
    try (PointerScope scope = new PointerScope()) {
      assertEquals(4.0, result.sum().item_double());
    }
    assertFalse(result.isNull());
    result.close();
    assertTrue(result.isNull());
  }

  @Test
  void threadsSharingAModuleGetTheirOwnMasks() throws Exception {
    torch.manual_seed(2);
    ShiftedWindowAttention attn = new ShiftedWindowAttention(8, WINDOW, SHIFT, 2);
    int sizes = ShiftMaskCache.CAPACITY + 3; // more sizes than kept: masks get dropped meanwhile
    List<Tensor> inputs = new ArrayList<>();
    List<Tensor> expected = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (attn; PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
      for (int i = 0; i < sizes; i++) {
        Tensor x = torch.randn(1, 4 + 2 * i, 4, 8);
        inputs.add(x);
        expected.add(attn.forward(x));
      }
      List<Callable<Boolean>> tasks = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int offset = t;
        tasks.add(() -> {
          try (PointerScope own = new PointerScope(); InferenceMode mode = new InferenceMode()) {
            for (int round = 0; round < 5; round++) {
              for (int i = 0; i < sizes; i++) {
                int k = (i + offset * 5) % sizes;
                if (!torch.equal(expected.get(k), attn.forward(inputs.get(k)))) {
                  return false;
                }
              }
            }
            return true;
          }
        });
      }
      for (Future<Boolean> f : pool.invokeAll(tasks)) {
        assertTrue(f.get());
      }
    } finally {
      pool.shutdown();
    }
  }
}
