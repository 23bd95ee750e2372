package io.inferencegw.plugin.api.weights;

import static io.inferencegw.plugin.api.weights.Fixtures.assertSameTensor;
import static io.inferencegw.plugin.api.weights.Fixtures.assertSameTensors;
import static io.inferencegw.plugin.api.weights.Fixtures.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {

  @TempDir Path dir;
  private PointerScope scope;

  @BeforeEach
  void openScope() {
    scope = new PointerScope();
  }

  @AfterEach
  void closeScope() {
    scope.close();
  }

  private static Map<String, Tensor> readAll(SafetensorsReader reader) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String name : reader.names()) {
      out.put(name, reader.toTensor(name));
    }
    return out;
  }

  @Test
  void everyDtypeAndShapeSurvivesWriteAndReadFromFile() throws IOException {
    Map<String, Tensor> tensors = Fixtures.tensors();
    assertFalse(tensors.get("transposed").is_contiguous(), "fixture must test a strided view");
    assertEquals(0, tensors.get("scalar").dim(), "fixture must test a 0-dim tensor");
    Path file = dir.resolve("fixture.safetensors");

    SafetensorsWriter.write(file, tensors, Fixtures.METADATA);

    try (SafetensorsReader reader = SafetensorsReader.open(file)) {
      assertEquals(List.copyOf(tensors.keySet()), reader.names());
      assertEquals(Fixtures.METADATA, reader.metadata());
      assertSameTensors(tensors, readAll(reader));
      assertEquals(SafetensorsDtype.BF16, reader.info("bf16").dtype());
      assertArrayEquals(new long[] {}, reader.info("scalar").shape());
      assertArrayEquals(new long[] {3, 2}, reader.info("transposed").shape());
    }
  }

  @Test
  void inMemoryBytesReadLikeTheFile() throws IOException {
    Map<String, Tensor> tensors = Fixtures.tensors();
    Path file = dir.resolve("fixture.safetensors");
    SafetensorsWriter.write(file, tensors);
    byte[] bytes = Files.readAllBytes(file);

    try (SafetensorsReader reader = SafetensorsReader.of(bytes, "bundled.safetensors")) {
      assertEquals("bundled.safetensors", reader.source());
      assertTrue(reader.metadata().isEmpty());
      assertSameTensors(tensors, readAll(reader));
    }
    ByteBuffer offset = ByteBuffer.allocateDirect(bytes.length + 3);
    offset.position(3);
    offset.put(bytes).position(3);
    try (SafetensorsReader reader = SafetensorsReader.of(offset, "direct")) {
      assertSameTensors(tensors, readAll(reader));
    }
  }

  @Test
  void randomFloatsAreBitExact() throws IOException {
    Tensor weights = torch.randn(64, 33);
    Path file = dir.resolve("random.safetensors");
    SafetensorsWriter.write(file, Map.of("w", weights));
    try (SafetensorsReader reader = SafetensorsReader.open(file)) {
      assertSameTensor("w", weights, reader.toTensor("w"));
    }
  }

  @Test
  void tensorsLargerThanOneCopyWindowAreCopiedPieceByPiece() throws IOException {
    // Real windows are 1 GiB (a buffer holds at most 2 GiB); 7 bytes exercises the same loops,
    // including windows that split elements.
    Map<String, Tensor> tensors = Fixtures.tensors();
    Path file = dir.resolve("windows.safetensors");
    SafetensorsWriter.write(file, tensors, Map.of(), 7);
    try (SafetensorsReader fromFile = SafetensorsReader.open(file);
        SafetensorsReader fromBytes = SafetensorsReader.of(Files.readAllBytes(file), "bytes")) {
      for (String name : tensors.keySet()) {
        assertSameTensor(name, tensors.get(name), fromFile.toTensor(name, 7));
        assertSameTensor(name, tensors.get(name), fromBytes.toTensor(name, 7));
      }
    }
  }

  @Test
  void headerIsSpacePaddedToEightBytesAndDataFollowsInRowMajorOrder() throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("a", Fixtures.ints(torch.ScalarType.Int, new long[] {2, 2}, 1, 2, 3, 4).t());
    tensors.put("b", Fixtures.ints(torch.ScalarType.Byte, new long[] {1}, 9));
    Path file = dir.resolve("layout.safetensors");
    SafetensorsWriter.write(file, tensors);

    ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    long n = raw.getLong(0);
    assertEquals(0, n % 8);
    String header = new String(raw.array(), 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(
        header.startsWith("{\"a\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}"),
        header);
    assertTrue(header.stripTrailing().endsWith("}"));
    assertEquals(8 + n + 16 + 1, raw.capacity());
    int data = (int) (8 + n);
    // a.t() of [[1,2],[3,4]] is [[1,3],[2,4]]
    assertEquals(List.of(1, 3, 2, 4), List.of(raw.getInt(data), raw.getInt(data + 4),
        raw.getInt(data + 8), raw.getInt(data + 12)));
    assertEquals(9, raw.get(data + 16));
  }

  @Test
  void bytesAreAReadOnlyLittleEndianView() throws IOException {
    Path file = dir.resolve("view.safetensors");
    SafetensorsWriter.write(file, Map.of("x", torch.tensor(1.5f, -2f)));
    try (SafetensorsReader reader = SafetensorsReader.open(file)) {
      ByteBuffer bytes = reader.bytes("x");
      assertEquals(8, bytes.remaining());
      assertEquals(-2f, bytes.getFloat(4));
      assertThrows(ReadOnlyBufferException.class, () -> bytes.put(0, (byte) 1));
    }
  }

  @Test
  void rewritingReplacesTheFileAndLeavesNoTemporaryFiles() throws IOException {
    Path file = dir.resolve("w.safetensors");
    SafetensorsWriter.write(file, Map.of("x", torch.ones(3)));
    SafetensorsWriter.write(file, Map.of("y", torch.zeros(2)));
    try (SafetensorsReader reader = SafetensorsReader.open(file)) {
      assertEquals(List.of("y"), reader.names());
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void writerRejectsTheMetadataKeyAsTensorNameAndWritesNothing() {
    Path file = dir.resolve("bad.safetensors");
    assertThrows(
        IllegalArgumentException.class,
        () -> SafetensorsWriter.write(file, Map.of("__metadata__", torch.ones(1))));
    assertFalse(Files.exists(file));
  }

  @Test
  void readingAfterCloseFailsInsteadOfTouchingAClosedFile() throws IOException {
    Path file = dir.resolve("c.safetensors");
    SafetensorsWriter.write(file, Map.of("x", torch.ones(2)));
    SafetensorsReader reader = SafetensorsReader.open(file);
    reader.close();
    assertThrows(IllegalStateException.class, () -> reader.toTensor("x"));
  }

  @Test
  void tensorsReadFromTheFileOutliveTheReader() throws IOException {
    Path file = dir.resolve("o.safetensors");
    Tensor original = torch.randn(4, 4);
    SafetensorsWriter.write(file, Map.of("x", original));
    Tensor copy;
    try (SafetensorsReader reader = SafetensorsReader.open(file)) {
      copy = reader.toTensor("x");
    }
    Files.delete(file);
    assertSameTensor("x", original, copy);
    assertArrayEquals(new long[] {4, 4}, shape(copy));
  }
}
