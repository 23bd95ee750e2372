package io.inferencegw.gateway.preprocess;

import io.inferencegw.gateway.e2e.SystemPython;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs the reference scripts in {@code src/test/python} with Debian's Python, which has torch
 * 1.13, torchvision 0.14 and PIL as system packages. Tests that need it are skipped where that
 * Python or the module is missing, and fail under CI ({@link SystemPython#requireModule}).
 */
final class PythonReference {

  private PythonReference() {}

  /**
   * Continues when {@code import module} works in Debian's Python; otherwise skips the calling
   * test (fails it under CI).
   */
  static void requireModule(String module) {
    SystemPython.requireModule(module, "python3-" + module.toLowerCase());
  }

  /** Runs {@code script} on a cases file made of {@code lines}; fails the test if it fails. */
  static void run(String script, Path workDir, List<String> lines)
      throws IOException, InterruptedException {
    Path cases = Files.write(workDir.resolve(script + ".cases"), lines, StandardCharsets.UTF_8);
    Path scriptPath = Path.of(System.getProperty("basedir", "."), "src/test/python", script);
    SystemPython.run(Path.of("").toAbsolutePath(), Map.of(), Duration.ofSeconds(300),
        List.of(scriptPath.toString(), cases.toString()));
  }
}
