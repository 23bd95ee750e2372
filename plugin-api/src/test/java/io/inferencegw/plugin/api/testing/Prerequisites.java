package io.inferencegw.plugin.api.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * What tests need from the machine beyond the JDK and Maven: Debian packages (Python modules,
 * data sets, tools) and a few tools from elsewhere. Where one is missing, the test that needs it
 * is skipped on a developer's machine, and fails under CI ({@code CI=true} in the environment):
 * CI installs them all (deploy/run-tests.sh), so a missing one there is a broken setup, and a
 * run that skipped would pass without testing anything. Either way the message names what is
 * missing and the command that installs it.
 *
 * <p>{@code -Dprerequisites.absent=NAME[,NAME...]} makes the named prerequisites (a Debian
 * package, or the tool or module named as {@code what}) count as missing, to see what a machine
 * without them gets.
 */
public final class Prerequisites {

  /** The system property that names prerequisites to treat as missing. */
  public static final String ABSENT_PROPERTY = "prerequisites.absent";

  private Prerequisites() {}

  /** Whether the tests run under CI, where a missing prerequisite fails instead of skipping. */
  public static boolean underCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * Continues when {@code present}; otherwise skips the calling test, or fails it under CI.
   *
   * @param what what the test needs, for the message (e.g. "the Fashion-MNIST test set")
   * @param debianPackages the Debian package(s) that provide it, separated by spaces
   */
  public static void require(boolean present, String what, String debianPackages) {
    List<String> names = new ArrayList<>(List.of(debianPackages.trim().split("\\s+")));
    names.add(what);
    check(present, what, names, "apt-get install " + debianPackages.trim());
  }

  /**
   * {@link #require(boolean, String, String)} for something that is not a Debian package.
   *
   * @param installCommand the command that installs it (e.g. "npm install -g ...")
   */
  public static void requireInstalledBy(boolean present, String what, String installCommand) {
    check(present, what, List.of(what), installCommand);
  }

  /**
   * The path of {@code tool} on PATH; skips the calling test where there is none (fails it under
   * CI).
   */
  public static String executable(String tool, String debianPackage) {
    String path = onPath(tool);
    require(path != null, tool, debianPackage);
    return path;
  }

  /** {@link #executable(String, String)} for a tool that is not a Debian package. */
  public static String executableInstalledBy(String tool, String installCommand) {
    String path = onPath(tool);
    requireInstalledBy(path != null, tool, installCommand);
    return path;
  }

  private static String onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, tool);
      if (!dir.isEmpty() && f.isFile() && f.canExecute()) {
        return f.getPath();
      }
    }
    return null;
  }

  private static void check(boolean present, String what, List<String> names,
      String installCommand) {
    Set<String> absent = markedAbsent();
    boolean forced = present && names.stream().anyMatch(absent::contains);
    if (present && !forced) {
      return;
    }
    String message = "needs " + what + ", which is missing"
        + (forced ? " (-D" + ABSENT_PROPERTY + "=" + System.getProperty(ABSENT_PROPERTY) + ")"
            : "")
        + "; install it with: " + installCommand
        + " (deploy/run-tests.sh installs every test prerequisite)";
    if (underCi()) {
      fail(message + ". CI=true: a missing prerequisite fails the test instead of skipping it");
    }
    Assumptions.abort(message);
  }

  private static Set<String> markedAbsent() {
    String names = System.getProperty(ABSENT_PROPERTY, "");
    return Arrays.stream(names.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toSet());
  }
}
