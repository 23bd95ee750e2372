package io.inferencegw.plugin.api.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a seeded, bounded fuzz campaign: case {@code i} of seed {@code s} always gets the same
 * input, so any failure can be replayed alone.
 *
 * <p>Each case's input is generated on the test thread from a random source derived from
 * (seed, case index) only, then checked on a worker thread under three bounds that a broken
 * parser could otherwise take the whole test JVM down with: a time limit (a hang), a limit on
 * the bytes the check allocates (a decompression bomb or a length field trusted before it is
 * checked; measured per thread, so it fails the case long before the heap runs out), and
 * {@link OutOfMemoryError} counting as a failure like any other throwable. The oracle decides
 * what else breaks the contract by throwing.
 *
 * <p>Failures do not stop the campaign: the first input of each distinct failure is written to
 * {@code target/fuzz-failures/} and all of them are reported at the end with seed, case index
 * and the properties that replay the case.
 *
 * <p>System properties: {@code fuzz.cases} (number of cases, default given by the test),
 * {@code fuzz.seed} (default 1), {@code fuzz.first} (first case index, default 0),
 * {@code fuzz.timeoutSeconds} (per case, default 20), {@code fuzz.failures} (directory for
 * failing inputs, default {@code target/fuzz-failures}).
 */
public final class FuzzCampaign {

  /** Makes one input from the case's own random source. */
  public interface Generator {
    byte[] next(Random random);
  }

  /**
   * Runs the code under test on one input and returns a short label of the outcome (tallied
   * in the summary, to show which checks the inputs reach); throws when the contract is broken.
   */
  public interface Oracle {
    String check(byte[] input) throws Exception;
  }

  private static final int MAX_SAVED_FAILURES = 20;
  private static final int MAX_HANGS = 3;

  private final String name;
  private final String extension;
  private final long seed;
  private final long first;
  private final long cases;
  private final long timeoutSeconds;
  private final long maxAllocatedBytes;
  private final Path failureDir;

  /**
   * @param name names the failing-input files and the summary line
   * @param extension of the failing-input files, e.g. "png"
   * @param defaultCases the number of cases of the default (CI) run
   * @param maxAllocatedBytes the most bytes one check may allocate on the heap
   */
  public FuzzCampaign(String name, String extension, long defaultCases, long maxAllocatedBytes) {
    this(name, extension, Long.getLong("fuzz.seed", 1), Long.getLong("fuzz.first", 0),
        Long.getLong("fuzz.cases", defaultCases), Long.getLong("fuzz.timeoutSeconds", 20),
        maxAllocatedBytes, Path.of(System.getProperty("fuzz.failures", "target/fuzz-failures")));
  }

  /** A campaign that ignores the system properties (for the harness's own test). */
  FuzzCampaign(String name, String extension, long seed, long first, long cases,
      long timeoutSeconds, long maxAllocatedBytes, Path failureDir) {
    this.name = name;
    this.extension = extension;
    this.seed = seed;
    this.first = first;
    this.cases = cases;
    this.timeoutSeconds = timeoutSeconds;
    this.maxAllocatedBytes = maxAllocatedBytes;
    this.failureDir = failureDir;
  }

  /** The random source of one case: a function of (seed, index) alone. */
  public static Random caseRandom(long seed, long index) {
    return new Random(new SplittableRandom(seed).split().nextLong() ^ mix(index));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Runs every case; throws an {@link AssertionError} listing the failures, if any. */
  public void run(Generator generator, Oracle oracle) {
    Map<String, Long> outcomes = new TreeMap<>();
    Map<String, Failure> failures = new LinkedHashMap<>();
    long failed = 0;
    long maxAllocated = 0;
    int hangs = 0;
    long started = System.nanoTime();
    ExecutorService worker = newWorker();
    long index = first;
    try {
      for (; index < first + cases && hangs < MAX_HANGS; index++) {
        byte[] input = generator.next(caseRandom(seed, index));
        Future<Checked> result = worker.submit(() -> checkBounded(oracle, input));
        Throwable problem;
        try {
          Checked checked = result.get(timeoutSeconds, TimeUnit.SECONDS);
          outcomes.merge(checked.label, 1L, Long::sum);
          maxAllocated = Math.max(maxAllocated, checked.allocated);
          continue;
        } catch (ExecutionException e) {
          problem = e.getCause();
        } catch (TimeoutException e) {
          hangs++;
          problem = new AssertionError("no answer within " + timeoutSeconds + " s (a hang?)");
          // The stuck thread cannot be stopped; it is a daemon and is left behind.
          worker.shutdownNow();
          worker = newWorker();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
        failed++;
        String signature = signature(problem);
        if (!failures.containsKey(signature) && failures.size() < MAX_SAVED_FAILURES) {
          failures.put(signature, new Failure(index, problem, save(index, input)));
        }
      }
    } finally {
      worker.shutdownNow();
    }
    long ran = index - first;
    System.out.printf(
        "fuzz %s: seed %d, cases %d..%d (%d run) in %.1f s, %d failed, most allocated by one"
            + " case %d bytes; outcomes %s%n",
        name, seed, first, index - 1, ran, (System.nanoTime() - started) / 1e9, failed,
        maxAllocated, outcomes);
    if (!failures.isEmpty()) {
      throw report(ran, failed, failures);
    }
  }

  private Checked checkBounded(Oracle oracle, byte[] input) throws Exception {
    long before = allocatedBytes();
    String label = oracle.check(input);
    long allocated = allocatedBytes() - before;
    if (allocated > maxAllocatedBytes) {
      throw new AssertionError("the check of a " + input.length + "-byte input allocated "
          + allocated + " bytes, more than the bound of " + maxAllocatedBytes);
    }
    return new Checked(label, allocated);
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-case");
      t.setDaemon(true);
      return t;
    });
  }

  /** Failures with the same type and message shape (numbers removed) are the same bug. */
  private static String signature(Throwable t) {
    String message = String.valueOf(t.getMessage()).replaceAll("[0-9]+", "#");
    return t.getClass().getName() + ": " + message.substring(0, Math.min(100, message.length()));
  }

  private Path save(long index, byte[] input) {
    Path file = failureDir.resolve(name + "-seed" + seed + "-case" + index + "." + extension);
    try {
      Files.createDirectories(failureDir);
      return Files.write(file, input);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private AssertionError report(long ran, long failed, Map<String, Failure> failures) {
    StringBuilder text = new StringBuilder();
    text.append("fuzz ").append(name).append(": ").append(failed).append(" of ").append(ran)
        .append(" cases failed (seed ").append(seed).append("), ").append(failures.size())
        .append(" distinct:");
    List<Throwable> causes = new ArrayList<>();
    for (Failure f : failures.values()) {
      text.append("\n  case ").append(f.index).append(": ").append(f.problem)
          .append("\n    input ").append(f.input.toAbsolutePath())
          .append("\n    replay with -Dfuzz.seed=").append(seed).append(" -Dfuzz.first=")
          .append(f.index).append(" -Dfuzz.cases=1");
      causes.add(f.problem);
    }
    AssertionError error = new AssertionError(text.toString(), causes.get(0));
    causes.stream().skip(1).forEach(error::addSuppressed);
    return error;
  }

  private record Checked(String label, long allocated) {}

  private record Failure(long index, Throwable problem, Path input) {}
}
