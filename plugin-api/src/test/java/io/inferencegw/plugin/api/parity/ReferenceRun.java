package io.inferencegw.plugin.api.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The files parity_reference.py wrote for one model (weights, input, logits, structure), in a
 * temporary directory that {@link #close()} deletes: the weights of large networks take
 * hundreds of megabytes and are not kept between tests.
 */
public final class ReferenceRun implements AutoCloseable {

  private final Path root;
  private final Path dir;

  ReferenceRun(Path root, String label) {
    this.root = root;
    this.dir = root.resolve(label);
  }

  public Path weights() {
    return dir.resolve("weights.safetensors");
  }

  /** {@code "input"}: the batch of structured images, NCHW float32. */
  public Path input() {
    return dir.resolve("input.safetensors");
  }

  /** {@code "logits"}: the reference model's output for {@link #input()} in eval mode. */
  public Path logits() {
    return dir.resolve("logits.safetensors");
  }

  public ReferenceStructure structure() {
    return ReferenceStructure.read(dir.resolve("structure.json"));
  }

  /** run.json: seed, shapes, threads, logits summary, seconds the reference took. */
  public JsonNode info() {
    try {
      return new ObjectMapper().readTree(dir.resolve("run.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    deleteTree(root);
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
