package io.inferencegw.plugin.api.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness reports what the fuzz tests rely on it to report. */
class FuzzCampaignTest {

  @TempDir Path failures;

  /** Seed 1, cases 0..cases-1, a 1-second case limit. */
  private FuzzCampaign campaign(String name, long cases, long maxAllocatedBytes) {
    return new FuzzCampaign(name, "bin", 1, 0, cases, 1, maxAllocatedBytes, failures);
  }

  private static byte[] input(Random r) {
    return ByteMutator.randomBytes(r, 1 + r.nextInt(32));
  }

  @Test
  void aCaseIsAFunctionOfSeedAndIndexAlone() {
    long value = FuzzCampaign.caseRandom(7, 123).nextLong();
    assertEquals(value, FuzzCampaign.caseRandom(7, 123).nextLong());
    assertTrue(value != FuzzCampaign.caseRandom(7, 124).nextLong());
    assertTrue(value != FuzzCampaign.caseRandom(8, 123).nextLong());
  }

  @Test
  void failuresNameSeedAndCaseAndKeepTheInputForReplay() throws Exception {
    // Fails on every input whose first byte is even; the other cases still run.
    AtomicInteger checked = new AtomicInteger();
    AssertionError e = assertThrows(AssertionError.class,
        () -> campaign("selftest", 50, 1L << 30).run(
            FuzzCampaignTest::input,
            in -> {
              checked.incrementAndGet();
              if (in[0] % 2 == 0) {
                throw new IllegalStateException("even");
              }
              return "odd";
            }));
    assertEquals(50, checked.get());
    assertTrue(e.getMessage().contains("(seed 1)"), e.getMessage());
    assertTrue(e.getMessage().contains("IllegalStateException: even"), e.getMessage());
    Matcher m = Pattern.compile("case (\\d+): .*\\n    input (\\S+)").matcher(e.getMessage());
    assertTrue(m.find(), e.getMessage());
    long index = Long.parseLong(m.group(1));
    byte[] saved = Files.readAllBytes(Path.of(m.group(2)));
    assertArrayEquals(input(FuzzCampaign.caseRandom(1, index)), saved);
    assertTrue(e.getMessage().contains("-Dfuzz.seed=1 -Dfuzz.first=" + index + " -Dfuzz.cases=1"));
  }

  @Test
  void outOfMemoryOutsizedAllocationsAndHangsAreFailures() {
    AssertionError oom = assertThrows(AssertionError.class,
        () -> campaign("selftest-oom", 1, 1L << 40).run(
            FuzzCampaignTest::input, in -> {
              throw new OutOfMemoryError("simulated");
            }));
    assertTrue(oom.getMessage().contains("OutOfMemoryError: simulated"), oom.getMessage());

    AssertionError big = assertThrows(AssertionError.class,
        () -> campaign("selftest-alloc", 1, 1 << 20).run(
            FuzzCampaignTest::input, in -> "allocated " + new byte[4 << 20].length));
    assertTrue(big.getMessage().contains("more than the bound of 1048576"), big.getMessage());

    CountDownLatch never = new CountDownLatch(1);
    AssertionError hang = assertThrows(AssertionError.class,
        () -> campaign("selftest-hang", 1, 1L << 30).run(FuzzCampaignTest::input, in -> {
              never.await();
              return "never";
            }));
    never.countDown();
    assertTrue(hang.getMessage().contains("no answer within 1 s"), hang.getMessage());
  }
}
