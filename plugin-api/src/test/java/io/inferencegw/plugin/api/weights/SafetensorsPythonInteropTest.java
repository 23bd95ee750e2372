package io.inferencegw.plugin.api.weights;

import static io.inferencegw.plugin.api.weights.Fixtures.assertSameTensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.testing.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the Java code against an independent implementation of the format: torch in Python
 * with the hand-written {@code deploy/python/safetensors_io.py} (Debian's torch has no
 * safetensors package). Both sides build the same fixture and compare values exactly. Skipped
 * where no python3 with torch is installed, failed under CI.
 */
class SafetensorsPythonInteropTest {

  private static final Path SCRIPT =
      Path.of(System.getProperty("basedir", "."), "../deploy/python/safetensors_io.py");

  private static String python;

  @TempDir Path dir;

  @BeforeAll
  static void findPythonWithTorch() throws Exception {
    assertTrue(Files.isRegularFile(SCRIPT), "missing " + SCRIPT.toAbsolutePath());
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      try {
        if (run(List.of(candidate, "-c", "import torch")).exitCode == 0) {
          python = candidate;
          return;
        }
      } catch (IOException notInstalled) {
        // try the next one
      }
    }
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    // Drain the output before waiting, so a chatty failure cannot block on a full pipe.
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    return new Result(p.exitValue(), output);
  }

  private static Result script(String command, Path file) throws Exception {
    Prerequisites.require(python != null, "a python3 with torch", "python3-torch");
    return run(List.of(python, SCRIPT.toString(), command, file.toString()));
  }

  @Test
  void javaReadsExactlyWhatPythonWrote() throws Exception {
    Path file = dir.resolve("from-python.safetensors");
    Result written = script("write-fixture", file);
    assertEquals(0, written.exitCode, written.output);

    try (PointerScope scope = new PointerScope();
        SafetensorsReader reader = SafetensorsReader.open(file)) {
      Map<String, Tensor> read = new LinkedHashMap<>();
      for (String name : reader.names()) {
        read.put(name, reader.toTensor(name));
      }
      assertSameTensors(Fixtures.tensors(), read);
      assertEquals(Fixtures.METADATA, reader.metadata());
    }
  }

  @Test
  void pythonReadsExactlyWhatJavaWrote() throws Exception {
    Path file = dir.resolve("from-java.safetensors");
    try (PointerScope scope = new PointerScope()) {
      SafetensorsWriter.write(file, Fixtures.tensors(), Fixtures.METADATA);
    }
    Result checked = script("check-fixture", file);
    assertEquals(0, checked.exitCode, "python found differences:\n" + checked.output);
  }

  @Test
  void pythonCheckFailsOnADifferentFile() throws Exception {
    // Guards the guard: a check that always passes would make the test above worthless.
    Path file = dir.resolve("wrong.safetensors");
    try (PointerScope scope = new PointerScope()) {
      Map<String, Tensor> tensors = Fixtures.tensors();
      tensors.put("f32", tensors.get("f32").add(new org.bytedeco.pytorch.Scalar(1.0)));
      SafetensorsWriter.write(file, tensors, Fixtures.METADATA);
    }
    Result checked = script("check-fixture", file);
    assertEquals(1, checked.exitCode, checked.output);
    assertTrue(checked.output.contains("MISMATCH f32"), checked.output);
  }
}
