package io.inferencegw.plugin.api.weights;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed input is rejected at open time, with a message that says what is wrong. */
class SafetensorsMalformedTest {

  private static final String SOURCE = "test.safetensors";

  @TempDir Path dir;

  /** A file with the given header length field, header text and number of data bytes. */
  private static byte[] file(long headerLength, String header, int dataBytes) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + json.length + dataBytes)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(headerLength)
        .put(json)
        .array();
  }

  private static byte[] file(String header, int dataBytes) {
    return file(header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
  }

  private static String entry(String name, String dtype, String shape, long begin, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
        + ",\"data_offsets\":[" + begin + "," + end + "]}";
  }

  /** Rejected, naming the source and containing every fragment. */
  private static SafetensorsFormatException assertRejected(byte[] bytes, String... fragments) {
    SafetensorsFormatException e =
        assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.of(bytes, SOURCE));
    assertTrue(e.getMessage().contains(SOURCE), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
    }
    return e;
  }

  @Test
  void aWellFormedFileIsAcceptedByTheSameHelpers() throws IOException {
    // Proves the helpers build valid files, so the rejections below are for the named reason.
    byte[] ok = file("{" + entry("a", "F32", "[2]", 0, 8) + "}", 8);
    try (SafetensorsReader reader = SafetensorsReader.of(ok, SOURCE)) {
      assertTrue(reader.contains("a"));
    }
    try (SafetensorsReader reader = SafetensorsReader.of(file("{}", 0), SOURCE)) {
      assertTrue(reader.names().isEmpty());
    }
  }

  @Test
  void fileShorterThanTheLengthField() {
    assertRejected(new byte[5], "only 5 bytes");
  }

  @Test
  void truncatedDataOnDiskNamesThePathAndTheTensor() throws IOException {
    Path file = dir.resolve("cut.safetensors");
    try (PointerScope scope = new PointerScope()) {
      SafetensorsWriter.write(file, Map.of("weight", torch.ones(2, 3)));
    }
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(whole, whole.length - 5));

    SafetensorsFormatException e =
        assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.open(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("'weight'"), e.getMessage());
    assertTrue(e.getMessage().contains("beyond the data section"), e.getMessage());
  }

  @Test
  void fileTruncatedInsideTheHeader() {
    byte[] whole = file("{" + entry("a", "F32", "[2]", 0, 8) + "}", 8);
    assertRejected(Arrays.copyOf(whole, 20), "runs past the end");
  }

  @Test
  void headerLengthBeyondTheFile() {
    String message = assertRejected(file(1000, "{}", 0), "header length", "runs past the end",
        "10 bytes").getMessage();
    assertFalse(message.contains("1000"), "the length read from the file is not quoted: " + message);
  }

  @Test
  void absurdHeaderLengthIsRejectedBeforeAnyAllocation() {
    assertRejected(file(1L << 40, "{}", 0), "not a header length");
    String message = assertRejected(file(-1L, "{}", 0), "not a header length").getMessage();
    assertFalse(message.contains("18446744073709551615"), message);
  }

  @Test
  void aTextFileIsRejectedWithoutQuotingItsBytes() {
    byte[] text = "root:x:0:0:root:/root:/bin/bash\n".getBytes(StandardCharsets.US_ASCII);
    String message =
        assertRejected(text, "not a header length", "not a safetensors file").getMessage();
    long asLength = ByteBuffer.wrap(text, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertFalse(message.contains(Long.toUnsignedString(asLength)), message);
    assertFalse(message.contains("root"), message);
  }

  @Test
  void badJson() {
    assertRejected(file("{\"a\":{\"dtype\":\"F32\",", 0), "not valid JSON");
    assertRejected(file("{} {}", 0), "not valid JSON");
    assertRejected(file("[1,2]", 0), "does not start with '{'");
  }

  @Test
  void duplicateTensorName() {
    String e = entry("a", "F32", "[1]", 0, 4);
    assertRejected(file("{" + e + "," + e + "}", 4),
        "not valid JSON: it names a tensor or key twice (line 1, column 58)");
  }

  @Test
  void badJsonIsReportedByPositionWithoutQuotingTheBytes() {
    // Whatever sits where the header should be (here: text that is not JSON) stays out of the
    // message and out of the cause, which logs would print.
    SafetensorsFormatException e =
        assertRejected(file("{\"a\": s3cret-token}", 0), "not valid JSON (line 1, column ");
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    assertNull(e.getCause());
  }

  @Test
  void deeplyNestedHeaderIsBadJsonNotAStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertRejected(file("{\"a\":" + deep + "}", 0), "not valid JSON");
  }

  @Test
  void longTensorNamesAreCutShortAndValuesNotQuoted() {
    String dtype = "y".repeat(5000);
    SafetensorsFormatException e = assertRejected(
        file("{" + entry("a", dtype, "[1]", 0, 1) + "}", 1), "unknown or unsupported dtype");
    assertFalse(e.getMessage().contains("yyyy"), e.getMessage());
    String name = "n".repeat(100);
    e = assertRejected(file("{" + entry(name, "F32", "[\"" + name + "\"]", 0, 4) + "}", 4),
        "...' (100 chars)", "not a 64-bit integer");
    assertTrue(e.getMessage().length() < 300, e.getMessage());
  }

  @Test
  void headerThatIsNotUtf8() {
    byte[] bytes = file("{\"x\":1}", 0);
    bytes[10] = (byte) 0xC3; // a lead byte followed by an ASCII byte
    assertRejected(bytes, "not valid UTF-8");
  }

  @Test
  void offsetsOutOfRange() {
    assertRejected(
        file("{" + entry("a", "F32", "[4]", 0, 16) + "}", 8),
        "'a'", "[0, 16]", "beyond the data section of 8 bytes");
    assertRejected(file("{" + entry("a", "F32", "[0]", 8, 4) + "}", 8), "end before begin");
  }

  @Test
  void overlappingRegions() {
    String header =
        "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}";
    assertRejected(file(header, 12), "'b'", "overlaps", "'a'");
  }

  @Test
  void holeBetweenRegions() {
    String header =
        "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}";
    assertRejected(file(header, 12), "bytes [4, 8)", "'b'", "contiguous");
  }

  @Test
  void trailingBytesAfterTheLastTensor() {
    assertRejected(file("{" + entry("a", "F32", "[1]", 0, 4) + "}", 8), "trailing");
  }

  @Test
  void unknownDtype() {
    assertRejected(
        file("{" + entry("a", "F128", "[1]", 0, 16) + "}", 16),
        "'a'", "unknown or unsupported dtype", "F32");
  }

  @Test
  void shapeAndDtypeNotMatchingTheOffsets() {
    assertRejected(
        file("{" + entry("a", "F32", "[3]", 0, 8) + "}", 8), "'a'", "needs 12 bytes", "span 8");
  }

  @Test
  void negativeDimension() {
    assertRejected(file("{" + entry("a", "F32", "[-1]", 0, 0) + "}", 0), "'a'", "negative");
  }

  @Test
  void missingFieldsAndWrongTypes() {
    assertRejected(file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "\"dtype\"");
    assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "\"data_offsets\"");
    assertRejected(file("{" + entry("a", "F32", "[1.5]", 0, 4) + "}", 4), "64-bit integer");
    assertRejected(file("{\"__metadata__\":{\"k\":1}}", 0), "'k'", "not a string");
  }
}
