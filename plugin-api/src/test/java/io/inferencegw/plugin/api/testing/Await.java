package io.inferencegw.plugin.api.testing;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.bytedeco.javacpp.Pointer;

/**
 * Waits in tests for something that happens elsewhere (another thread, a server, a child
 * process): polls a condition until it holds, and fails naming what it waited for once a
 * deadline passes. A test never sleeps for a guessed time and then assumes the state it wants;
 * and it never asserts how long something took (timing belongs in benchmarks).
 *
 * <p>The deadline only bounds a wait that would otherwise hang: it is far beyond how long the
 * condition takes on a slow, loaded machine, so reaching it means the condition never came.
 *
 * <p>A condition may throw a checked exception to say "not yet" (a connection refused, a file
 * still being written): the last one is attached to the failure. An unchecked exception or an
 * error (an assertion that the process being waited for is still alive, say) ends the wait at
 * once.
 */
public final class Await {

  /** How long a wait lasts by default before it fails. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final long LONGEST_PAUSE_MILLIS = 50;

  private Await() {}

  /** Whether the state waited for has come; may throw a checked exception for "not yet". */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** Reads a value that is being waited for; may throw a checked exception for "not yet". */
  @FunctionalInterface
  public interface Probe<T> {
    T read() throws Exception;
  }

  /** Returns once {@code condition} holds; fails after {@link #DEFAULT_TIMEOUT}. */
  public static void until(String what, Condition condition) {
    until(what, DEFAULT_TIMEOUT, condition);
  }

  /** Returns once {@code condition} holds; fails after {@code timeout}. */
  public static void until(String what, Duration timeout, Condition condition) {
    poll(what, timeout, condition::holds, Boolean::booleanValue, false);
  }

  /**
   * The first value {@code probe} reads that {@code accepted} takes; fails after
   * {@link #DEFAULT_TIMEOUT}, showing the last value read.
   */
  public static <T> T value(String what, Probe<T> probe, Predicate<? super T> accepted) {
    return value(what, DEFAULT_TIMEOUT, probe, accepted);
  }

  /** {@link #value(String, Probe, Predicate)} with its own timeout. */
  public static <T> T value(
      String what, Duration timeout, Probe<T> probe, Predicate<? super T> accepted) {
    return poll(what, timeout, probe, accepted, true);
  }

  /**
   * Runs the garbage collector until the object {@code ref} points to has been collected;
   * fails, saying what is still reachable, after {@link #DEFAULT_TIMEOUT}.
   */
  public static void collected(WeakReference<?> ref, String what) {
    until(what + " to be garbage collected", () -> {
      System.gc();
      return ref.get() == null;
    });
  }

  /**
   * Runs the garbage collector until an object that is unreachable from now on has been
   * collected, so that everything unreachable before this call has been found too; then frees
   * at once the native memory of the JavaCPP pointers found with it (JavaCPP's deallocator
   * thread would free it a little later). A test that uses a native object after this shows
   * whether anything it depends on was only held by Java references that were dropped.
   */
  public static void garbageCollection() {
    collected(new WeakReference<>(new Object()), "an object dropped just now");
    Pointer.deallocateReferences();
  }

  private static <T> T poll(String what, Duration timeout, Probe<T> probe,
      Predicate<? super T> accepted, boolean showValue) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMillis = 1;
    T last = null;
    Exception lastError = null;
    while (true) {
      try {
        last = probe.read();
        lastError = null;
        if (accepted.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      } catch (Exception notYet) {
        lastError = notYet;
      }
      if (System.nanoTime() - deadline >= 0) {
        String message = "timed out after " + describe(timeout) + " waiting for " + what
            + (lastError != null ? "; the last check threw " + lastError
                : showValue ? "; last value: " + last : "");
        throw new AssertionError(message, lastError);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(pauseMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
      pauseMillis = Math.min(2 * pauseMillis, LONGEST_PAUSE_MILLIS);
    }
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
