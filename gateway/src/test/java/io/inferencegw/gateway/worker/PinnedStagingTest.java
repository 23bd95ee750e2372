package io.inferencegw.gateway.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The reuse logic of the CUDA staging buffer, with host memory standing in for page-locked
 * memory (pinning needs a CUDA build): allocated once, grown by powers of two, and each batch a
 * view of it.
 */
class PinnedStagingTest {

  @Test
  void batchesAreViewsOfOneBufferThatGrowsOnlyForLargerBatches() {
    List<Long> allocations = new ArrayList<>();
    try (PinnedStaging staging = new PinnedStaging(3, 4, 5, t -> {
      allocations.add(t.size(0));
      return t;
    })) {
      long first;
      try (PointerScope scope = new PointerScope()) {
        Tensor three = staging.rows(3);
        assertArrayEquals(new long[] {3, 3, 4, 5}, three.sizes().vec().get());
        first = three.data_ptr().address();
        assertEquals(4, staging.capacity());
        // the next batch reuses the same memory: no allocation
        Tensor four = staging.rows(4);
        assertEquals(first, four.data_ptr().address());
        Tensor one = staging.rows(1);
        assertEquals(first, one.data_ptr().address());
      }
      assertEquals(List.of(4L), allocations);
      try (PointerScope scope = new PointerScope()) {
        Tensor five = staging.rows(5);
        assertArrayEquals(new long[] {5, 3, 4, 5}, five.sizes().vec().get());
        assertEquals(8, staging.capacity());
        assertNotEquals(0, five.data_ptr().address());
      }
      assertEquals(List.of(4L, 8L), allocations);
      try (PointerScope scope = new PointerScope()) {
        // written through a view, read back through the next: the buffer outlives each batch
        staging.rows(2).fill_(new org.bytedeco.pytorch.Scalar(7.0));
      }
      try (PointerScope scope = new PointerScope()) {
        assertEquals(7.0, staging.rows(2).sum().item_double() / (2 * 3 * 4 * 5), 1e-9);
      }
    }
  }
}
