package io.inferencegw.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a main class of this module in a JVM of its own, with this JVM's class path, and returns
 * its output lines. Each forward runs alone in its process, so that its native threads and
 * libraries never share a process with the clients, the gateway or the other LibTorch.
 */
final class JavaProcess {

  private final Path logDir;

  JavaProcess(Path logDir) {
    this.logDir = logDir;
  }

  /** @param label names the log file of this run: unique per run */
  List<String> run(String label, Class<?> mainClass, List<String> jvmOptions,
      Map<String, String> env, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(args);
    Path log = logDir.resolve(label + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    int code = process.waitFor();
    String output = Files.readString(log);
    if (code != 0) {
      throw new IllegalStateException(label + " exited with " + code + "; its output:\n"
          + output);
    }
    return output.lines().toList();
  }
}
