package io.inferencegw.gateway.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeThreadsTest {

  @Test
  void openBlasIsSingleThreadedUnlessTheOperatorSetsItsThreads() {
    assertEquals(1, NativeThreads.blasThreads(Map.of()));
    assertEquals(4, NativeThreads.blasThreads(Map.of("OPENBLAS_NUM_THREADS", "4")));
    assertEquals(2, NativeThreads.blasThreads(Map.of("OPENBLAS_NUM_THREADS", " 2 ")));
  }

  @Test
  void aValueThatIsNotAPositiveNumberFallsBackToOne() {
    assertEquals(1, NativeThreads.blasThreads(Map.of("OPENBLAS_NUM_THREADS", "0")));
    assertEquals(1, NativeThreads.blasThreads(Map.of("OPENBLAS_NUM_THREADS", "-3")));
    assertEquals(1, NativeThreads.blasThreads(Map.of("OPENBLAS_NUM_THREADS", "all")));
  }
}
