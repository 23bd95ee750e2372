package io.inferencegw.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.inferencegw.plugin.api.testing.Prerequisites;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Python, which the tests run as an independent client or reference with Debian's
 * python3-* packages (grpcio, websockets, torchvision, ...); the first python3 on PATH may lack
 * them. A test whose modules are missing is skipped, and fails under CI ({@link Prerequisites};
 * deploy/run-tests.sh installs them).
 */
public final class SystemPython {

  public static final Path PYTHON = Path.of("/usr/bin/python3");

  private static final Map<String, Boolean> IMPORTABLE = new ConcurrentHashMap<>();

  private SystemPython() {}

  /** Whether {@code import module} works in {@link #PYTHON}; asked once per module. */
  public static boolean canImport(String module) {
    return IMPORTABLE.computeIfAbsent(module, m -> {
      if (!Files.isExecutable(PYTHON)) {
        return false;
      }
      try {
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import " + m)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return false;
        }
        return p.exitValue() == 0;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
  }

  /**
   * Continues when {@code import module} works in {@link #PYTHON}; otherwise skips the calling
   * test, or fails it under CI.
   *
   * @param debianPackage the Debian package that provides the module
   */
  public static void requireModule(String module, String debianPackage) {
    Prerequisites.require(canImport(module), "Python module " + module + " (in " + PYTHON + ")",
        debianPackage);
  }

  /** What a run wrote. */
  public record Output(String stdout, String stderr) {}

  /**
   * Runs {@link #PYTHON} with {@code args} in {@code dir}, with {@code env} added to the
   * environment. Fails the test, showing what it wrote, unless it exits 0 within
   * {@code timeout}.
   */
  public static Output run(Path dir, Map<String, String> env, Duration timeout, List<String> args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(PYTHON.toString());
    cmd.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(cmd).directory(dir.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    p.getOutputStream().close();
    CompletableFuture<String> stdout = readAsync(p.getInputStream());
    CompletableFuture<String> stderr = readAsync(p.getErrorStream());
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail(String.join(" ", cmd) + " ran past " + timeout + "\nstdout:\n" + stdout.join()
          + "\nstderr:\n" + stderr.join());
    }
    Output out = new Output(stdout.join(), stderr.join());
    assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + " failed\nstdout:\n"
        + out.stdout() + "\nstderr:\n" + out.stderr());
    return out;
  }

  /** Reads a stream to its end on a thread of its own, so that neither pipe fills up. */
  private static CompletableFuture<String> readAsync(InputStream in) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (in) {
        text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        text.completeExceptionally(new UncheckedIOException(e));
      }
    }, "python-output");
    reader.setDaemon(true);
    reader.start();
    return text;
  }
}
