package io.inferencegw.plugin.api.weights;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Reads a safetensors file: {@code u64le header length N | N bytes of JSON header | data}.
 *
 * <p>Opening parses and validates the whole header (see {@link SafetensorsHeader}) but reads no
 * tensor data: a file source is memory-mapped per tensor (or per 1 GiB window of a tensor, as a
 * single mapping is limited to 2 GiB) only when that tensor is asked for, so opening a
 * multi-gigabyte checkpoint costs nothing but its header. An in-memory source (a model bundled
 * as a classpath resource) is used in place, without a copy.
 *
 * <p>Once open, a reader only reads immutable state and may be used from several threads.
 * Buffers returned by {@link #bytes} stay valid after {@link #close()}; the JDK unmaps them when
 * they are garbage collected (Java 17 has no way to unmap earlier).
 *
 * <p>Errors: {@link #open} and {@link #of} throw {@link SafetensorsFormatException} (an
 * {@code IOException}) for malformed data; later reads of a file that became unreadable throw
 * {@link UncheckedIOException}, as the header promised that the data is there.
 */
public final class SafetensorsReader implements AutoCloseable {

  private final String source;
  private final SafetensorsHeader header;
  private final long dataStart;
  private final FileChannel channel;
  private final ByteBuffer memory;
  private volatile boolean closed;

  private SafetensorsReader(
      String source,
      SafetensorsHeader header,
      long dataStart,
      FileChannel channel,
      ByteBuffer memory) {
    this.source = source;
    this.header = header;
    this.dataStart = dataStart;
    this.channel = channel;
    this.memory = memory;
  }

  /** Opens a file read-only and validates its header; the caller must close the reader. */
  public static SafetensorsReader open(Path file) throws IOException {
    String source = file.toString();
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long size = channel.size();
      ByteBuffer prefix = size < SafetensorsHeader.PREFIX_BYTES ? null : readFully(channel, 0, 8);
      long n = SafetensorsHeader.headerLength(prefix, size, source);
      ByteBuffer json = readFully(channel, SafetensorsHeader.PREFIX_BYTES, (int) n);
      long dataStart = SafetensorsHeader.PREFIX_BYTES + n;
      SafetensorsHeader header = SafetensorsHeader.parse(json, size - dataStart, source);
      return new SafetensorsReader(source, header, dataStart, channel, null);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Reads a whole safetensors file held in memory; prefer naming it for error messages. */
  public static SafetensorsReader of(byte[] bytes) throws SafetensorsFormatException {
    return of(bytes, inMemoryName(bytes.length));
  }

  /** Reads a whole safetensors file held in memory, e.g. a classpath resource. */
  public static SafetensorsReader of(byte[] bytes, String sourceName)
      throws SafetensorsFormatException {
    return of(ByteBuffer.wrap(bytes), sourceName);
  }

  /**
   * Reads the safetensors file held in {@code bytes} from its position to its limit. The buffer
   * is used in place (not copied): its content must not change while the reader is in use; its
   * position and limit may.
   */
  public static SafetensorsReader of(ByteBuffer bytes, String sourceName)
      throws SafetensorsFormatException {
    ByteBuffer all = bytes.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    long size = all.remaining();
    ByteBuffer prefix = size < SafetensorsHeader.PREFIX_BYTES ? null : all.slice(0, 8);
    long n = SafetensorsHeader.headerLength(prefix, size, sourceName);
    int dataStart = SafetensorsHeader.PREFIX_BYTES + (int) n;
    ByteBuffer json = all.slice(SafetensorsHeader.PREFIX_BYTES, (int) n);
    SafetensorsHeader header = SafetensorsHeader.parse(json, size - dataStart, sourceName);
    return new SafetensorsReader(sourceName, header, dataStart, null, all);
  }

  /** The file path or the buffer's name; error messages quote it. */
  public String source() {
    return source;
  }

  /** Tensor names in header order (for files we write: the order of the written map). */
  public List<String> names() {
    return List.copyOf(header.entries.keySet());
  }

  public boolean contains(String name) {
    return header.entries.containsKey(name);
  }

  /** Dtype, shape and byte range of one tensor. */
  public TensorInfo info(String name) {
    TensorInfo info = header.entries.get(name);
    if (info == null) {
      throw new NoSuchElementException("no tensor '" + name + "' in " + source);
    }
    return info;
  }

  /** The {@code __metadata__} map, empty if the file has none. */
  public Map<String, String> metadata() {
    return header.metadata;
  }

  /**
   * The raw little-endian bytes of one tensor as a read-only buffer, without copying. Tensors
   * of 2 GiB or more do not fit one buffer: use {@link #toTensor}.
   */
  public ByteBuffer bytes(String name) {
    TensorInfo info = info(name);
    if (info.byteSize() > Integer.MAX_VALUE) {
      throw new UnsupportedOperationException(
          "tensor '" + name + "' has " + info.byteSize() + " bytes, too many for one buffer");
    }
    return region(dataStart + info.dataBegin(), (int) info.byteSize());
  }

  /**
   * A new CPU tensor holding a copy of the data, with the dtype mapped to LibTorch's. The tensor
   * belongs to the caller: it is attached to the caller's {@code PointerScope} if one is open,
   * otherwise the caller must close it.
   */
  public Tensor toTensor(String name) {
    return toTensor(name, TensorBytes.WINDOW);
  }

  /** Copies in windows of {@code window} bytes; tests use small windows. */
  Tensor toTensor(String name, int window) {
    TensorBytes.requireLittleEndianHost();
    TensorInfo info = info(name);
    Tensor tensor;
    try (TensorOptions options = new TensorOptions(info.dtype().scalarType())) {
      tensor = torch.empty(info.shape(), options, null);
    }
    try {
      long size = info.byteSize();
      for (long offset = 0; offset < size; offset += window) {
        int length = (int) Math.min(window, size - offset);
        ByteBuffer src = region(dataStart + info.dataBegin() + offset, length);
        TensorBytes.window(tensor, offset, length).put(src);
      }
      return tensor;
    } catch (RuntimeException | Error e) {
      tensor.close();
      throw e;
    }
  }

  /** Closes the file; idempotent. Tensors already created are independent copies. */
  @Override
  public void close() {
    closed = true;
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Bytes at an absolute offset of the source. */
  private ByteBuffer region(long offset, int length) {
    if (closed) {
      throw new IllegalStateException("reader of " + source + " is closed");
    }
    if (memory != null) {
      return memory.slice((int) offset, length).order(ByteOrder.LITTLE_ENDIAN);
    }
    try {
      return channel
          .map(FileChannel.MapMode.READ_ONLY, offset, length)
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot map tensor data of " + source, e);
    }
  }

  static String inMemoryName(long size) {
    return "<in-memory safetensors, " + size + " bytes>";
  }

  private static ByteBuffer readFully(FileChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new EOFException("unexpected end of file at byte " + (position + buffer.position()));
      }
    }
    return buffer.flip();
  }
}
