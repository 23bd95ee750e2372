package io.inferencegw.plugin.api.parity;


import io.inferencegw.plugin.api.testing.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs the Python side of the parity harness: {@code plugin-api/src/test/python/} scripts under
 * an interpreter that has torch and torchvision (Debian's {@code /usr/bin/python3}; the
 * {@code python3} first on PATH often has neither).
 *
 * <p>System properties: {@code parity.python} (interpreter), {@code parity.scripts} (directory
 * of parity_reference.py; by default found by walking up from the working directory to
 * {@code plugin-api/src/test/python}), {@code parity.threads} (torch threads of the reference,
 * default all cores), {@code parity.timeoutSeconds} (per script run, default 1800).
 */
public final class TorchvisionOracle {

  public static final String SCRIPT = "parity_reference.py";
  public static final String SPEED_SCRIPT = "parity_speed.py";
  public static final String WEIGHTS_PREPROCESS_SCRIPT = "weights_preprocess.py";
  private static final String SCRIPTS_IN_REPO = "plugin-api/src/test/python";

  private static Optional<TorchvisionOracle> found;
  private static String notFound;

  private final String python;
  private final Path scripts;

  private TorchvisionOracle(String python, Path scripts) {
    this.python = python;
    this.scripts = scripts;
  }

  /** The oracle, or empty where no interpreter with torchvision is installed. Cached. */
  public static synchronized Optional<TorchvisionOracle> find() {
    if (found == null) {
      found = Optional.empty();
      List<String> candidates = new ArrayList<>();
      if (System.getProperty("parity.python") != null) {
        candidates.add(System.getProperty("parity.python"));
      }
      candidates.addAll(List.of("/usr/bin/python3", "python3"));
      for (String candidate : candidates) {
        if (works(candidate)) {
          found = Optional.of(new TorchvisionOracle(candidate, scriptsDir()));
          break;
        }
      }
      notFound = "a Python with torch and torchvision (tried " + candidates
          + "; -Dparity.python names another)";
    }
    return found;
  }

  /**
   * The oracle; where there is none, the calling test is skipped, or fails under CI
   * ({@link Prerequisites}).
   */
  public static TorchvisionOracle require() {
    Optional<TorchvisionOracle> oracle = find();
    Prerequisites.require(oracle.isPresent(), notFound, "python3-torchvision");
    return oracle.get();
  }

  public String python() {
    return python;
  }

  public Path scripts() {
    return scripts;
  }

  /** torch threads for the reference side: {@code -Dparity.threads}, else all cores. */
  public static int threads() {
    return Integer.getInteger("parity.threads", Runtime.getRuntime().availableProcessors());
  }

  /**
   * Structures of several models from one interpreter run (importing torch costs seconds, so a
   * family's variants are asked for together), keyed by label in the order given.
   */
  public Map<String, ReferenceStructure> structures(List<Reference> references) {
    Path out = tempDir();
    try {
      List<String> args = new ArrayList<>(List.of("--out", out.toString(), "--structure-only"));
      references.forEach(r -> args.add(r.argument()));
      runScript(SCRIPT, args);
      Map<String, ReferenceStructure> result = new LinkedHashMap<>();
      for (Reference r : references) {
        result.put(r.label(),
            ReferenceStructure.read(out.resolve(r.label()).resolve("structure.json")));
      }
      return result;
    } finally {
      ReferenceRun.deleteTree(out);
    }
  }

  /**
   * Weights, input, logits and structure of one model for an input of {@code inputShape}
   * (C, H, W). The caller closes the run, which deletes its files.
   */
  public ReferenceRun run(Reference reference, List<Integer> inputShape) {
    Path out = tempDir();
    ReferenceRun run = new ReferenceRun(out, reference.label());
    try {
      runScript(SCRIPT, List.of("--out", out.toString(),
          "--input-shape", inputShape.stream().map(String::valueOf).collect(Collectors.joining(",")),
          "--threads", Integer.toString(threads()), reference.argument()));
      return run;
    } catch (RuntimeException | Error e) {
      run.close();
      throw e;
    }
  }

  /** Runs one of the scripts; fails with its output unless it exits with 0. Returns the output. */
  public String runScript(String script, List<String> args) {
    return runScript(script, args, Map.of());
  }

  /** {@link #runScript(String, List)} with these variables added to the script's environment. */
  public String runScript(String script, List<String> args, Map<String, String> env) {
    List<String> scriptAndArgs = new ArrayList<>(List.of(scripts.resolve(script).toString()));
    scriptAndArgs.addAll(args);
    PythonRun run = runPython(scriptAndArgs, env);
    if (run.exitCode() != 0) {
      throw new IllegalStateException(
          "exit code " + run.exitCode() + " from " + scriptAndArgs + ":\n" + run.output());
    }
    return run.output();
  }

  /** How a Python process ended: its exit code and its output (stdout and stderr together). */
  public record PythonRun(int exitCode, String output) {}

  /**
   * Runs this Python with the arguments (a script and its arguments, or {@code -c CODE}) and
   * these variables added to its environment, whatever its exit code.
   */
  public PythonRun runPython(List<String> args, Map<String, String> env) {
    List<String> command = new ArrayList<>(List.of(python));
    command.addAll(args);
    long timeout = Long.getLong("parity.timeoutSeconds", 1800);
    try {
      Path log = Files.createTempFile("parity-", ".log");
      try {
        // Output goes to a file, not a pipe: a chatty script can never block on a full pipe.
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("timed out after " + timeout + " s: " + command);
        }
        return new PythonRun(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("parity-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean works(String python) {
    try {
      Process p = new ProcessBuilder(python, "-c", "import torch, torchvision")
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** -Dparity.scripts, else plugin-api/src/test/python found upwards from the working dir. */
  private static Path scriptsDir() {
    String configured = System.getProperty("parity.scripts");
    if (configured != null) {
      return requireScripts(Path.of(configured));
    }
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(SCRIPTS_IN_REPO);
      if (Files.isRegularFile(candidate.resolve(SCRIPT))) {
        return candidate;
      }
    }
    throw new IllegalStateException("cannot find " + SCRIPTS_IN_REPO + "/" + SCRIPT
        + " above " + start + "; set -Dparity.scripts");
  }

  private static Path requireScripts(Path dir) {
    if (!Files.isRegularFile(dir.resolve(SCRIPT))) {
      throw new IllegalStateException(dir + " has no " + SCRIPT);
    }
    return dir;
  }
}
