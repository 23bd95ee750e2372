package io.inferencegw.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Python scripts under deploy/python, started by an interpreter that lacks their packages
 * (another python3 first on PATH: pyenv, conda, a virtual environment): one line naming the
 * Debian package to install and the interpreter to use, exit code 1, no traceback. Debian's
 * python3 with {@code -S} (no site-packages) stands in for such an interpreter.
 */
class PythonScriptPackagesTest {

  private static final Path PYTHON_DIR = DeployFiles.DEPLOY.resolve("python");
  private static final String PYTHON = "/usr/bin/python3";

  @ParameterizedTest
  @CsvSource({
      "classify.py, No module named 'grpc', python3-grpcio",
      "stream_classify.py, No module named 'websockets', python3-websockets",
      "convert_checkpoint.py, No module named 'torch', python3-torch",
      "safetensors_io.py, No module named 'torch', python3-torch"})
  void aMissingPackageIsOneLineNamingTheDebianPackage(String script, String error,
      String debianPackage) throws Exception {
    assumeTrue(new File(PYTHON).canExecute(), "needs Debian's python3");
    Process p = new ProcessBuilder(PYTHON, "-S", PYTHON_DIR.resolve(script).toString(), "--help")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), script + " did not exit");
    assertEquals(1, p.exitValue(), out);
    assertFalse(out.contains("Traceback"), out);
    assertEquals(1, out.strip().lines().count(), "one line: " + out);
    assertTrue(out.startsWith(script + ": " + error), out);
    assertTrue(out.contains("apt-get install " + debianPackage), out);
    assertTrue(out.contains("/usr/bin/python3"), out);
  }
}
