package io.inferencegw.plugins.lenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.testing.Prerequisites;
import io.inferencegw.plugin.api.weights.SafetensorsReader;
import io.inferencegw.plugin.api.weights.SafetensorsWriter;
import io.inferencegw.plugin.api.weights.WeightLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java network computes what the same network computes in PyTorch: the torch module in
 * {@code src/test/python/lenet_reference.py} loads the shipped weights strictly, runs a fixed
 * input, and its logits must match ours within {@code 1e-4 * (1 + max|ref|)}. The script also
 * reports the torch module's state_dict keys, shapes and parameter count, which must be ours.
 *
 * <p>Needs a Python with torch (Debian's {@code python3-torch}); skipped where there is none,
 * failed under CI.
 * Set {@code -Dlenet.python=...} to choose the interpreter.
 */
class LenetPytorchParityTest {

  private static String python;

  @BeforeAll
  static void findPythonWithTorch() {
    torch.set_num_threads(1);
    List<String> candidates = new ArrayList<>();
    if (System.getProperty("lenet.python") != null) {
      candidates.add(System.getProperty("lenet.python"));
    }
    // Debian's interpreter first: a python3 earlier on PATH (pyenv, venv) often lacks torch.
    candidates.addAll(List.of("/usr/bin/python3", "python3"));
    for (String candidate : candidates) {
      if (runs(List.of(candidate, "-c", "import torch"))) {
        python = candidate;
        return;
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "lenet5-relu"})
  void logitsMatchPytorchForTheShippedWeights(String variant, @TempDir Path tmp)
      throws Exception {
    Prerequisites.require(python != null, "a python3 with torch", "python3-torch");
    Path script = pythonDir().resolve("lenet_reference.py");
    Path safetensorsIo = safetensorsIo();
    assertTrue(Files.isRegularFile(script), script + " missing");
    assertTrue(Files.isRegularFile(safetensorsIo), safetensorsIo + " missing");
    Path weights = ShippedWeights.of(variant);
    assertTrue(Files.isRegularFile(weights), weights + " missing");

    Path input = tmp.resolve("input.safetensors");
    Path output = tmp.resolve("logits.safetensors");
    Path keys = tmp.resolve("keys.txt");
    try (ClassifierModule model = new LenetFamily().build(variant);
        PointerScope scope = new PointerScope()) {
      WeightLoader.loadStrict(model, weights);
      model.eval();
      torch.manual_seed(20240229);
      // Seeded noise scaled to cover the range of normalized pixels (background -0.81,
      // white +2.02), so activations reach the saturating parts of sigmoid and ReLU.
      Tensor x = torch.randn(8, 1, 28, 28).mul(new org.bytedeco.pytorch.Scalar(1.5f));
      SafetensorsWriter.write(input, Map.of("input", x));

      List<String> command = List.of(python, script.toString(),
          "--safetensors-io", safetensorsIo.toString(), "--variant", variant,
          "--weights", weights.toString(), "--input", input.toString(),
          "--out", output.toString(), "--keys-out", keys.toString());
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(120, TimeUnit.SECONDS), "python timed out");
      assertEquals(0, process.exitValue(), "python failed:\n" + log);

      Map<String, List<Long>> torchShapes = new LinkedHashMap<>();
      long torchParameters = -1;
      for (String line : Files.readAllLines(keys)) {
        String[] parts = line.split(" ");
        if (parts[0].equals("parameters")) {
          torchParameters = Long.parseLong(parts[1]);
        } else {
          List<Long> shape = new ArrayList<>();
          for (String d : parts[1].split(",")) {
            shape.add(Long.parseLong(d));
          }
          torchShapes.put(parts[0], shape);
        }
      }
      assertEquals(torchShapes, LenetFamilyTest.shapes(StateDict.of(model)));
      assertEquals(torchParameters, StateDict.parameterCount(model));

      float[] reference;
      try (SafetensorsReader reader = SafetensorsReader.open(output)) {
        Tensor ref = reader.toTensor("logits");
        assertEquals(List.of(8L, 10L), LenetFamilyTest.shape(ref));
        reference = TestTensors.toFloats(ref);
      }
      float[] ours;
      try (InferenceMode guard = new InferenceMode()) {
        ours = TestTensors.toFloats(model.forward(x));
      }
      assertEquals(reference.length, ours.length);
      double maxRef = 0;
      double maxDiff = 0;
      for (int i = 0; i < ours.length; i++) {
        maxRef = Math.max(maxRef, Math.abs(reference[i]));
        maxDiff = Math.max(maxDiff, Math.abs(reference[i] - ours[i]));
      }
      assertTrue(maxRef > 0.5, "reference logits are degenerate: max |logit| " + maxRef);
      double tolerance = 1e-4 * (1 + maxRef);
      System.out.printf("%s: max |java - torch| = %.3g (tolerance %.3g, max |ref| %.3f)%n",
          variant, maxDiff, tolerance, maxRef);
      assertTrue(maxDiff <= tolerance,
          variant + ": max |java - torch| = " + maxDiff + " > " + tolerance);
    }
  }

  private static Path pythonDir() {
    return Path.of(System.getProperty("lenet.pythonDir", "src/test/python"));
  }

  private static Path safetensorsIo() {
    return Path.of(System.getProperty(
        "lenet.safetensorsIo", "../../deploy/python/safetensors_io.py"));
  }

  private static boolean runs(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
