package io.inferencegw.plugin.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void returnsOnceAnotherThreadMakesTheConditionHold() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger state = new AtomicInteger();
    Thread other = new Thread(() -> {
      try {
        go.await();
        state.set(3);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    other.start();
    go.countDown();
    Await.until("the other thread to set 3", () -> state.get() == 3);
    assertEquals(3, state.get());
    other.join();
  }

  @Test
  void failsNamingWhatItWaitedForAndTheLastValue() {
    AssertionError e = assertThrows(AssertionError.class, () -> Await.value(
        "the answer to be 42", Duration.ofMillis(20), () -> 41, v -> v == 42));
    assertTrue(e.getMessage().contains("waiting for the answer to be 42"), e.getMessage());
    assertTrue(e.getMessage().contains("last value: 41"), e.getMessage());
  }

  @Test
  void aCheckedExceptionMeansNotYetAndIsKeptAsTheCause() {
    AtomicInteger calls = new AtomicInteger();
    assertEquals(3, Await.value("the third read", () -> {
      if (calls.incrementAndGet() < 3) {
        throw new IOException("not yet");
      }
      return calls.get();
    }, v -> true));
    IOException refused = new IOException("connection refused");
    AssertionError e = assertThrows(AssertionError.class, () -> Await.until(
        "a server that never listens", Duration.ofMillis(20), () -> {
          throw refused;
        }));
    assertSame(refused, e.getCause());
    assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
  }

  @Test
  void anUncheckedExceptionOrAFailedAssertionEndsTheWaitAtOnce() {
    AtomicInteger calls = new AtomicInteger();
    IllegalStateException bug = assertThrows(IllegalStateException.class,
        () -> Await.until("a condition with a bug", () -> {
          calls.incrementAndGet();
          throw new IllegalStateException("bug");
        }));
    assertEquals("bug", bug.getMessage());
    assertThrows(AssertionError.class, () -> Await.until("a process that died", () -> {
      calls.incrementAndGet();
      throw new AssertionError("the process exited");
    }));
    assertEquals(2, calls.get(), "each condition was checked once");
  }

  @Test
  void anInterruptedWaitFailsAndKeepsTheInterrupt() {
    Thread.currentThread().interrupt();
    try {
      AssertionError e = assertThrows(AssertionError.class,
          () -> Await.until("something that never comes", () -> false));
      assertInstanceOf(InterruptedException.class, e.getCause());
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void collectedReturnsOnceTheObjectIsGone() {
    WeakReference<Object> ref = new WeakReference<>(new Object());
    Await.collected(ref, "a dropped object");
    assertNull(ref.get());
    Object kept = new Object();
    WeakReference<Object> held = new WeakReference<>(kept);
    AssertionError e = assertThrows(AssertionError.class,
        () -> Await.until("a held object to be collected", Duration.ofMillis(50), () -> {
          System.gc();
          return held.get() == null;
        }));
    assertTrue(e.getMessage().contains("a held object"), e.getMessage());
    assertSame(kept, held.get());
  }
}
