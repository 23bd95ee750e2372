package io.inferencegw.plugin.api.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle runs the scripts in one long-lived interpreter (oracle_server.py): its runs must
 * give the files a process of their own gives, whatever ran before in it, and a failed run must
 * neither pass nor break the runs after it.
 */
class TorchvisionOracleTest {

  private static final List<Integer> SHAPE = List.of(3, 32, 32);

  @BeforeEach
  void needsTheReference() {
    TorchvisionOracle.require();
  }

  @Test
  void aRunInTheServerWritesWhatAProcessOfItsOwnWrites(@TempDir Path dir) throws Exception {
    TorchvisionOracle oracle = TorchvisionOracle.require();
    // another model first, with another seed: the server's state must not carry over
    oracle.runScript(TorchvisionOracle.SCRIPT, List.of("--out", dir.resolve("other").toString(),
        "--seed", "7", "--input-shape", "3,32,32", "resnet18"));
    try (ReferenceRun served = oracle.run(DemoFamily.REFERENCE, SHAPE)) {
      Path alone = dir.resolve("alone");
      TorchvisionOracle.PythonRun run = oracle.runPython(List.of(
          oracle.scripts().resolve(TorchvisionOracle.SCRIPT).toString(), "--out",
          alone.toString(), "--input-shape", "3,32,32", "--threads",
          Integer.toString(TorchvisionOracle.threads()), DemoFamily.REFERENCE.argument()),
          Map.of());
      assertEquals(0, run.exitCode(), run.output());
      Path own = alone.resolve(DemoFamily.REFERENCE.label());
      for (String file : List.of("weights.safetensors", "input.safetensors",
          "logits.safetensors", "structure.json")) {
        assertArrayEquals(Files.readAllBytes(own.resolve(file)),
            Files.readAllBytes(served.weights().resolveSibling(file)), file);
      }
    }
  }

  @Test
  void aFailedRunFailsWithItsOutputAndTheNextRunsWork(@TempDir Path dir) {
    TorchvisionOracle oracle = TorchvisionOracle.require();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> oracle.runScript(TorchvisionOracle.SCRIPT,
            List.of("--out", dir.toString(), "--structure-only", "not a label!")));
    assertTrue(e.getMessage().contains("exit code 1"), e.getMessage());
    assertTrue(e.getMessage().contains("bad model label 'not a label!'"), e.getMessage());
    String published = oracle.runScript(TorchvisionOracle.WEIGHTS_PREPROCESS_SCRIPT,
        List.of("resnet18"));
    assertTrue(published.contains("\"crop_size\": [224]"), published);
    assertEquals(List.of("resnet18"),
        List.copyOf(oracle.structures(List.of(Reference.torchvision("resnet18"))).keySet()));
  }
}
