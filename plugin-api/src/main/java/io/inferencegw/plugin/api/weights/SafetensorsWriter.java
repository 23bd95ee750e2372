package io.inferencegw.plugin.api.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes tensors in the safetensors format, readable by the reference library and by
 * {@link SafetensorsReader}.
 *
 * <p>Tensors are stored in the map's iteration order (the reference library instead sorts them
 * by alignment; both are valid since readers copy). The header is padded with spaces to a
 * multiple of 8 bytes as the reference does, so the data section starts 8-byte aligned.
 *
 * <p>The file is written to a temporary file in the same directory and renamed atomically: the
 * gateway watches weight and plugin directories, and must never see a half-written file.
 * I/O failures are thrown as {@link UncheckedIOException}; the target is then left untouched.
 */
public final class SafetensorsWriter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetensorsWriter() {}

  /** Writes the tensors without metadata. */
  public static void write(Path file, Map<String, Tensor> tensors) {
    write(file, tensors, Map.of());
  }

  /**
   * Writes the tensors (CPU, any dtype of {@link SafetensorsDtype}, contiguous or not) and the
   * string metadata (omitted from the header when empty or null).
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
    write(file, tensors, metadata, TensorBytes.WINDOW);
  }

  /** Writes tensor data in windows of {@code window} bytes; tests use small windows. */
  static void write(
      Path file, Map<String, Tensor> tensors, Map<String, String> metadata, int window) {
    TensorBytes.requireLittleEndianHost();
    byte[] header = header(tensors, metadata);
    Path target = file.toAbsolutePath();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        writeFully(out, prefix.putLong(0, header.length));
        writeFully(out, ByteBuffer.wrap(header));
        for (Tensor t : tensors.values()) {
          writeData(out, t, window);
        }
        out.force(true);
      }
      copyPermissions(target, tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write safetensors file " + target, e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /** The JSON header, space-padded to a multiple of 8 bytes. */
  static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
    ObjectNode root = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      String name = e.getKey();
      if (name == null || SafetensorsHeader.METADATA_KEY.equals(name)) {
        throw new IllegalArgumentException("invalid tensor name: " + name);
      }
      Tensor t = e.getValue();
      if (t == null || !t.defined() || !t.is_cpu()) {
        throw new IllegalArgumentException("tensor '" + name + "' is undefined or not on the CPU");
      }
      SafetensorsDtype dtype;
      try {
        dtype = SafetensorsDtype.fromScalarType(t.scalar_type());
      } catch (IllegalArgumentException unsupported) {
        throw new IllegalArgumentException(
            "tensor '" + name + "': " + unsupported.getMessage(), unsupported);
      }
      long[] shape = shapeOf(t);
      long end = offset + Math.multiplyExact(TensorInfo.numel(shape), dtype.byteSize());
      ObjectNode entry = root.putObject(name);
      entry.put("dtype", dtype.name());
      ArrayNode dims = entry.putArray("shape");
      Arrays.stream(shape).forEach(dims::add);
      entry.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize safetensors header", e);
    }
    byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
    Arrays.fill(padded, json.length, padded.length, (byte) ' ');
    return padded;
  }

  private static long[] shapeOf(Tensor t) {
    try (PointerScope scope = new PointerScope()) {
      return t.sizes().vec().get();
    }
  }

  /** Writes the tensor's elements in row-major order, freeing any contiguous copy at once. */
  private static void writeData(FileChannel out, Tensor t, int window) throws IOException {
    try (PointerScope scope = new PointerScope()) {
      Tensor c = t.contiguous();
      long size = c.numel() * c.element_size();
      for (long offset = 0; offset < size; offset += window) {
        int length = (int) Math.min(window, size - offset);
        writeFully(out, TensorBytes.window(c, offset, length));
      }
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  /**
   * Temporary files are created owner-only; give the result the permissions of the file it
   * replaces, or rw-r--r-- for a new file, so that a serving process can read it.
   */
  private static void copyPermissions(Path target, Path tmp) throws IOException {
    if (Files.getFileAttributeView(tmp, PosixFileAttributeView.class) == null) {
      return;
    }
    Set<PosixFilePermission> permissions =
        Files.exists(target)
            ? Files.getPosixFilePermissions(target)
            : PosixFilePermissions.fromString("rw-r--r--");
    Files.setPosixFilePermissions(tmp, permissions);
  }

  private static void deleteQuietly(Path tmp) {
    if (tmp != null) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // The write already failed; that error is the one to report.
      }
    }
  }
}
