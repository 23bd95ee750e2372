package io.inferencegw.gateway.observability;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;

/**
 * Tools some tests run (Debian's promtool and prometheus, buf from npm): a test without them is
 * skipped on a developer's machine, and fails under CI, which installs them
 * (deploy/run-tests.sh).
 */
public final class ExternalTools {

  private ExternalTools() {}

  /** The tool's path on PATH; skips the test when absent (fails it when CI=true). */
  public static String require(String tool, String installHint) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      File f = new File(dir, tool);
      if (f.isFile() && f.canExecute()) {
        return f.getPath();
      }
    }
    String message = tool + " is not installed (" + installHint + ")";
    if ("true".equals(System.getenv("CI"))) {
      fail(message + "; deploy/run-tests.sh installs it for CI");
    }
    assumeTrue(false, message);
    return null;
  }
}
