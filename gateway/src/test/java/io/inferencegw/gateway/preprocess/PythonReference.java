package io.inferencegw.gateway.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the reference scripts in {@code src/test/python} with Debian's Python, which has torch
 * 1.13, torchvision 0.14 and PIL as system packages. Tests that need it are skipped (not
 * failed) where that Python or the module is missing.
 */
final class PythonReference {

  static final Path PYTHON = Path.of("/usr/bin/python3");

  private static final Map<String, Boolean> AVAILABLE = new ConcurrentHashMap<>();

  private PythonReference() {}

  /** Skips the calling test unless {@code import module} works in {@link #PYTHON}. */
  static void assumeModule(String module) {
    boolean ok = AVAILABLE.computeIfAbsent(module, m -> {
      if (!Files.isExecutable(PYTHON)) {
        return false;
      }
      try {
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import " + m)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
    assumeTrue(ok, PYTHON + " cannot import " + module);
  }

  /** Runs {@code script} on a cases file made of {@code lines}; fails the test if it fails. */
  static void run(String script, Path workDir, List<String> lines)
      throws IOException, InterruptedException {
    Path cases = Files.write(workDir.resolve(script + ".cases"), lines, StandardCharsets.UTF_8);
    Path scriptPath = Path.of(System.getProperty("basedir", "."), "src/test/python", script);
    Process p = new ProcessBuilder(PYTHON.toString(), scriptPath.toString(), cases.toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    assertEquals(0, p.exitValue(), script + " failed:\n" + output);
  }
}
