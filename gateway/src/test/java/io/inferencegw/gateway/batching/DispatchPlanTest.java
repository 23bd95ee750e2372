package io.inferencegw.gateway.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class DispatchPlanTest {

  @Test
  void takesTheLargestPreferredSizeFilledOrEverythingBelowTheSmallest() {
    DispatchPlan plan = new DispatchPlan(List.of(4, 8, 16), 0);
    assertEquals(1, plan.take(1));
    assertEquals(3, plan.take(3));
    assertEquals(4, plan.take(4));
    assertEquals(4, plan.take(7));
    assertEquals(8, plan.take(15));
    assertEquals(16, plan.take(16));
    assertEquals(16, plan.take(1000));
    assertEquals(16, plan.largest());
  }

  @Test
  void upToIsOneSizeAndNoJoinWait() {
    DispatchPlan plan = DispatchPlan.upTo(32);
    assertEquals(List.of(32), plan.preferredSizes());
    assertEquals(0, plan.joinWaitNanos());
    assertEquals(5, plan.take(5));
  }

  @Test
  void refusesEmptyUnsortedOrNonPositiveSizes() {
    assertThrows(IllegalArgumentException.class, () -> new DispatchPlan(List.of(), 0));
    assertThrows(IllegalArgumentException.class, () -> new DispatchPlan(List.of(8, 4), 0));
    assertThrows(IllegalArgumentException.class, () -> new DispatchPlan(List.of(0, 4), 0));
    assertThrows(IllegalArgumentException.class, () -> new DispatchPlan(List.of(4), -1));
  }
}
