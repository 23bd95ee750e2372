package io.inferencegw.plugin.api.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencegw.plugin.api.testing.Prerequisites;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs the Python side of the parity harness: {@code plugin-api/src/test/python/} scripts under
 * an interpreter that has torch and torchvision (Debian's {@code /usr/bin/python3}; the
 * {@code python3} first on PATH often has neither).
 *
 * <p>The scripts run in one long-lived interpreter per JVM ({@code oracle_server.py}): importing
 * torch and torchvision takes seconds, more than most runs take themselves, and a test JVM asks
 * for dozens. Each run is still the script executed afresh with its arguments, and every script
 * seeds what it draws, so its files are those a process of its own would write. A run with
 * extra environment variables gets a process of its own ({@link #runScript(String, List, Map)}).
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
  /** Runs the other scripts in one interpreter; see the class documentation. */
  public static final String SERVER_SCRIPT = "oracle_server.py";
  private static final String SCRIPTS_IN_REPO = "plugin-api/src/test/python";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Optional<TorchvisionOracle> found;
  private static String notFound;

  private final String python;
  private final Path scripts;
  /** The running server; null until the first run, and after it died (then started again). */
  private Server server;

  private TorchvisionOracle(String python, Path scripts, Server server) {
    this.python = python;
    this.scripts = scripts;
    this.server = server;
  }

  /**
   * The oracle, or empty where no interpreter with torchvision is installed. Cached. The first
   * interpreter whose server imports torch and torchvision is the oracle; that server then
   * serves the runs.
   */
  public static synchronized Optional<TorchvisionOracle> find() {
    if (found == null) {
      found = Optional.empty();
      List<String> candidates = new ArrayList<>();
      if (System.getProperty("parity.python") != null) {
        candidates.add(System.getProperty("parity.python"));
      }
      candidates.addAll(List.of("/usr/bin/python3", "python3"));
      notFound = "a Python with torch and torchvision (tried " + candidates
          + "; -Dparity.python names another)";
      Path scripts;
      try {
        scripts = scriptsDir();
      } catch (IllegalStateException noScripts) {
        // as without a server: no interpreter, no oracle; an interpreter without the scripts
        // is a broken checkout
        if (candidates.stream().anyMatch(TorchvisionOracle::works)) {
          throw noScripts;
        }
        return found;
      }
      for (String candidate : candidates) {
        Optional<Server> server = Server.start(candidate, scripts);
        if (server.isPresent()) {
          found = Optional.of(new TorchvisionOracle(candidate, scripts, server.get()));
          break;
        }
      }
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

  /**
   * Runs one of the scripts in the oracle's server; fails with its output unless it exits with
   * 0. Returns the output.
   */
  public String runScript(String script, List<String> args) {
    return runScript(script, args, Map.of());
  }

  /**
   * {@link #runScript(String, List)} with these variables added to the script's environment; a
   * run with variables gets a process of its own (the server's environment is fixed).
   */
  public String runScript(String script, List<String> args, Map<String, String> env) {
    List<String> scriptAndArgs = new ArrayList<>(List.of(scripts.resolve(script).toString()));
    scriptAndArgs.addAll(args);
    PythonRun run = env.isEmpty() ? serve(script, args) : runPython(scriptAndArgs, env);
    if (run.exitCode() != 0) {
      throw new IllegalStateException(
          "exit code " + run.exitCode() + " from " + scriptAndArgs + ":\n" + run.output());
    }
    return run.output();
  }

  /** One run in the server, started again first if an earlier run killed it. */
  private synchronized PythonRun serve(String script, List<String> args) {
    if (server == null) {
      server = Server.start(python, scripts).orElseThrow(() -> new IllegalStateException(
          "the oracle's server did not start again (" + python + ")"));
    }
    try {
      return server.run(script, args, timeoutSeconds());
    } catch (RuntimeException | Error e) {
      server.close();
      server = null;
      throw e;
    }
  }

  private static long timeoutSeconds() {
    return Long.getLong("parity.timeoutSeconds", 1800);
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
    long timeout = timeoutSeconds();
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

  /**
   * {@code oracle_server.py} under one interpreter: requests go to its stdin, answers come back
   * on its stdout, one JSON object per line; its stderr (native code's output) goes to a file.
   */
  private static final class Server implements AutoCloseable {

    /** What the reader thread queues when the server's stdout ends. */
    private static final String END = "";

    private final Process process;
    private final Writer requests;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Path log;
    private final Thread shutdownHook;

    private Server(Process process, Path log) {
      this.process = process;
      this.log = log;
      this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread reader = new Thread(this::readAnswers, "torchvision-oracle-answers");
      reader.setDaemon(true);
      reader.start();
      // the server also ends with its stdin when this JVM exits; this ends a run in progress too
      shutdownHook = new Thread(process::destroyForcibly, "torchvision-oracle-stop");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The server, once it says that torch and torchvision are imported; empty if it fails. */
    static Optional<Server> start(String python, Path scripts) {
      Path log;
      Process p;
      try {
        log = Files.createTempFile("parity-oracle-", ".log");
        log.toFile().deleteOnExit();
        p = new ProcessBuilder(python, scripts.resolve(SERVER_SCRIPT).toString())
            .redirectError(log.toFile()).start();
      } catch (IOException noSuchInterpreter) {
        return Optional.empty();
      }
      Server server = new Server(p, log);
      try {
        String ready = server.answers.poll(120, TimeUnit.SECONDS);
        if (ready != null && !ready.equals(END) && JSON.readTree(ready).path("ready").asBoolean()) {
          return Optional.of(server);
        }
      } catch (IOException notAnAnswer) {
        // not the server's first line: no oracle here
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server.close();
      return Optional.empty();
    }

    PythonRun run(String script, List<String> args, long timeoutSeconds) {
      try {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("script", script);
        request.put("args", args);
        requests.write(JSON.writeValueAsString(request) + "\n");
        requests.flush();
        String line = answers.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (line == null) {
          throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + script
              + " " + args);
        }
        if (line.equals(END)) {
          throw new IllegalStateException("the oracle's server exited during " + script + " "
              + args + ":\n" + logText());
        }
        JsonNode answer = JSON.readTree(line);
        return new PythonRun(answer.get("exit").asInt(), answer.get("output").asText());
      } catch (IOException e) {
        throw new UncheckedIOException("the oracle's server is gone (" + script + "):\n"
            + logText(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted: " + script + " " + args, e);
      }
    }

    private void readAnswers() {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (!line.isBlank()) {
            answers.add(line);
          }
        }
      } catch (IOException ended) {
        // the process is gone: END below says so
      }
      answers.add(END);
    }

    private String logText() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }

    @Override
    public void close() {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
      deleteLog(log);
    }

    private static void deleteLog(Path log) {
      if (log != null) {
        log.toFile().delete();
      }
    }
  }
}
