package io.inferencegw.plugin.api.weights;

import io.inferencegw.plugin.api.StateDict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Loads safetensors weights into a module strictly, like PyTorch's
 * {@code load_state_dict(strict=True)}: the file's keys must be exactly the module's
 * {@link StateDict} keys (parameters and buffers), with the same shapes.
 *
 * <p>Everything is checked before the first byte is copied, so a wrong file leaves the module
 * as it was and the previous weights keep serving. Values are copied into the module's existing
 * tensors ({@code copy_} under {@link NoGradGuard}), never by swapping tensor objects, because
 * the module's forward code holds those tensors; the copy also converts dtypes (an F16 file into
 * F32 parameters, any integer type into {@code num_batches_tracked}) and devices. Dtypes that
 * cannot hold the values (an integer file for a float parameter, see
 * {@link SafetensorsDtype#loadsInto}) are refused, and so are NaN or infinite weights: a network
 * with them answers NaN scores to every request.
 *
 * <p>Every failure surfaces as {@link WeightLoadException} naming the source.
 */
public final class WeightLoader {

  private WeightLoader() {}

  public static void loadStrict(Module module, Path file) {
    try (SafetensorsReader reader = SafetensorsReader.open(file)) {
      loadStrict(module, reader);
    } catch (IOException | UncheckedIOException e) {
      throw new WeightLoadException(file.toString(), describe(module), e);
    }
  }

  /** For weights in memory; prefer the overload that names them for error messages. */
  public static void loadStrict(Module module, byte[] bytes) {
    loadStrict(module, bytes, SafetensorsReader.inMemoryName(bytes.length));
  }

  /** For weights bundled in memory; {@code sourceName} (e.g. the resource path) names them. */
  public static void loadStrict(Module module, byte[] bytes, String sourceName) {
    loadStrict(module, ByteBuffer.wrap(bytes), sourceName);
  }

  public static void loadStrict(Module module, ByteBuffer bytes, String sourceName) {
    try (SafetensorsReader reader = SafetensorsReader.of(bytes, sourceName)) {
      loadStrict(module, reader);
    } catch (SafetensorsFormatException e) {
      throw new WeightLoadException(sourceName, describe(module), e);
    }
  }

  /** Loads from an open reader, which stays open. */
  public static void loadStrict(Module module, SafetensorsReader reader) {
    String target = describe(module);
    try (PointerScope scope = new PointerScope()) {
      // Inside the scope only the Java handles of the module's tensors are released; the
      // module keeps its own references to them.
      Map<String, Tensor> expected = StateDict.of(module);
      check(expected, reader, target);
      checkFinite(expected.keySet(), reader, target);
      try (NoGradGuard noGrad = new NoGradGuard()) {
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
          copyInto(e.getValue(), reader, e.getKey());
        }
      } catch (UncheckedIOException e) {
        throw new WeightLoadException(
            reader.source(), target + " (left partially loaded)", e.getCause());
      }
    }
  }

  private static void check(Map<String, Tensor> expected, SafetensorsReader reader, String target) {
    List<String> missing = new ArrayList<>();
    List<WeightLoadException.ShapeMismatch> mismatches = new ArrayList<>();
    List<WeightLoadException.DtypeMismatch> dtypes = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : expected.entrySet()) {
      String key = e.getKey();
      if (!reader.contains(key)) {
        missing.add(key);
        continue;
      }
      long[] want = e.getValue().sizes().vec().get();
      long[] found = reader.info(key).shape();
      if (!Arrays.equals(want, found)) {
        mismatches.add(new WeightLoadException.ShapeMismatch(key, want, found));
      }
      SafetensorsDtype wantType = SafetensorsDtype.fromScalarType(e.getValue().scalar_type());
      SafetensorsDtype foundType = reader.info(key).dtype();
      if (!foundType.loadsInto(wantType)) {
        dtypes.add(new WeightLoadException.DtypeMismatch(
            key, wantType.acceptedDescription(), foundType));
      }
    }
    List<String> unexpected = new ArrayList<>();
    for (String name : reader.names()) {
      if (!expected.containsKey(name)) {
        unexpected.add(name);
      }
    }
    if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatches.isEmpty()
        || !dtypes.isEmpty()) {
      throw new WeightLoadException(
          reader.source(), target, missing, unexpected, mismatches, dtypes);
    }
  }

  /**
   * Refuses floating tensors holding NaN or infinity, before anything is copied. This reads the
   * data once more than the copy does (one tensor at a time), which is cheap next to serving a
   * network whose every answer is NaN.
   */
  private static void checkFinite(Iterable<String> keys, SafetensorsReader reader, String target) {
    List<String> bad = new ArrayList<>();
    for (String key : keys) {
      if (!reader.info(key).dtype().isFloating()) {
        continue;
      }
      try (PointerScope perTensor = new PointerScope()) {
        Tensor values = reader.toTensor(key);
        long nonFinite = torch.logical_not(torch.isfinite(values)).count_nonzero().item_long();
        if (nonFinite > 0) {
          bad.add(key + " (" + nonFinite + " of " + values.numel() + " values)");
        }
      }
    }
    if (!bad.isEmpty()) {
      throw new WeightLoadException(reader.source(), target,
          "NaN or infinite values in " + bad.size() + " tensor(s): " + String.join(", ",
              bad.subList(0, Math.min(bad.size(), WeightLoadException.LISTED_PER_SECTION)))
              + (bad.size() > WeightLoadException.LISTED_PER_SECTION ? ", ..." : ""));
    }
  }

  /** One tensor at a time, freed right away: peak extra memory is the largest tensor. */
  private static void copyInto(Tensor target, SafetensorsReader reader, String key) {
    try (PointerScope perTensor = new PointerScope()) {
      Tensor source = reader.toTensor(key);
      target.copy_(source);
    }
  }

  private static String describe(Module module) {
    String name = module.getClass().getSimpleName();
    return name.isEmpty() ? module.getClass().getName() : name;
  }
}
