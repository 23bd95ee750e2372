package io.inferencegw.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadGeneratorTest {

  @Test
  void benchServesACatalogVariantWithRandomWeightsBatchedAndUnbatched() {
    LoadGenerator bench = new LoadGenerator();
    int rc = new CommandLine(bench).execute("--family", "squeezenet", "--variant",
        "squeezenet1_1", "--concurrency", "8", "--seconds", "2", "--warmup-seconds", "1",
        "--rounds", "1");
    assertEquals(0, rc);
    LoadGenerator.Stats batched = bench.totalBatched;
    LoadGenerator.Stats unbatched = bench.totalUnbatched;
    assertEquals(0, batched.errors.get());
    assertEquals(0, unbatched.errors.get());
    assertTrue(batched.ok.get() > 0 && unbatched.ok.get() > 0);
    // 8 callers on one replica: batches form when allowed, never when max_batch_size is 1
    assertTrue(batched.batchSizeSum.get() > batched.ok.get(), "mean batch > 1");
    assertEquals(unbatched.ok.get(), unbatched.batchSizeSum.get());
  }

  @Test
  void anUnknownFamilyOrAMissingVariantIsAnErrorExit() {
    assertTrue(new CommandLine(new LoadGenerator()).execute("--family", "nosuchnet",
        "--variant", "x", "--seconds", "1") != 0);
    assertTrue(new CommandLine(new LoadGenerator()).execute("--family", "squeezenet",
        "--seconds", "1") != 0);
  }
}
