package io.inferencegw.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The TorchScript file DJL runs: the same torchvision architecture with the same weights file
 * the gateway serves, traced by Debian's torch ({@code export_torchscript.py}).
 */
final class TorchScriptExport {

  private TorchScriptExport() {}

  static Path export(Path python, Path script, String variant, Path weights, String inputShape,
      Path out) throws IOException, InterruptedException {
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException(script + " not found: run the benchmark from the"
          + " repository root, or give --repository");
    }
    Path log = out.resolveSibling(out.getFileName() + ".export.log");
    Process process = new ProcessBuilder(List.of(python.toString(), script.toString(),
        "--weights", weights.toString(), "--input-shape", inputShape, "--out", out.toString(),
        variant)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int code = process.waitFor();
    String output = Files.readString(log).strip();
    if (code != 0) {
      throw new IllegalStateException("TorchScript export failed (" + code + "):\n" + output);
    }
    System.out.println(output);
    return out;
  }
}
