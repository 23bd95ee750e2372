package io.inferencegw.plugin.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * A missing prerequisite skips the test here and fails it under CI, with the install command;
 * the checks below hold in both environments (each expects what its own environment gets).
 */
class PrerequisitesTest {

  /** What a missing prerequisite ends the test with here: a failure under CI, else a skip. */
  private static Throwable missing(Executable check) {
    return Prerequisites.underCi()
        ? assertThrows(AssertionFailedError.class, check)
        : assertThrows(TestAbortedException.class, check);
  }

  @Test
  void underCiFollowsTheEnvironment() {
    assertEquals("true".equalsIgnoreCase(System.getenv("CI")), Prerequisites.underCi());
  }

  @Test
  void aPresentPrerequisiteLetsTheTestGoOn() {
    Prerequisites.require(true, "a data set", "dataset-something");
    Prerequisites.requireInstalledBy(true, "a tool", "npm install -g a-tool");
  }

  @Test
  void aMissingDebianPackageNamesWhatAndTheInstallCommand() {
    Throwable e = missing(() -> Prerequisites.require(false, "the Fashion-MNIST test set",
        "dataset-fashion-mnist"));
    assertTrue(e.getMessage().contains("needs the Fashion-MNIST test set"), e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    Throwable two = missing(() -> Prerequisites.require(false, "Python's grpc_tools",
        "python3-grpcio python3-grpc-tools"));
    assertTrue(two.getMessage().contains("apt-get install python3-grpcio python3-grpc-tools"),
        two.getMessage());
  }

  @Test
  void aMissingToolFromElsewhereNamesItsOwnInstallCommand() {
    Throwable e = missing(() -> Prerequisites.executableInstalledBy(
        "no-such-tool-anywhere", "npm install -g no-such-tool"));
    assertTrue(e.getMessage().contains("needs no-such-tool-anywhere"), e.getMessage());
    assertTrue(e.getMessage().contains("npm install -g no-such-tool"), e.getMessage());
  }

  @Test
  void aToolOnPathIsFound() {
    String sh = Prerequisites.executable("sh", "dash");
    assertTrue(Files.isExecutable(Path.of(sh)), sh);
    assertTrue(sh.endsWith("/sh"), sh);
  }

  @Test
  void thePropertyMakesAPresentPrerequisiteMissing() {
    String before = System.getProperty(Prerequisites.ABSENT_PROPERTY);
    System.setProperty(Prerequisites.ABSENT_PROPERTY, "python3-grpcio, sh");
    try {
      Throwable e = missing(() -> Prerequisites.require(true, "Python's grpc",
          "python3-grpcio"));
      assertTrue(e.getMessage().contains("-Dprerequisites.absent="), e.getMessage());
      missing(() -> Prerequisites.executable("sh", "dash"));
      Prerequisites.require(true, "Python's websockets", "python3-websockets");
    } finally {
      if (before == null) {
        System.clearProperty(Prerequisites.ABSENT_PROPERTY);
      } else {
        System.setProperty(Prerequisites.ABSENT_PROPERTY, before);
      }
    }
  }
}
