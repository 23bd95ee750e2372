package io.inferencegw.plugin.api.weights;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and fully validated header of a safetensors file.
 *
 * <p>Messages describe what is wrong without quoting the file's bytes: a file named by mistake
 * (or on purpose) may be anything, and its first bytes read as a header length or its text read
 * as JSON must not be echoed to whoever asked to load it.
 *
 * <p>All checks of the reference implementation happen here, before any tensor is touched, so
 * that a reader either opens a file whose every entry is usable or fails at once: a bad entry
 * near the end of a large checkpoint must not surface half-way through loading a model.
 */
final class SafetensorsHeader {

  /** The reference implementation's limit; a larger header is corruption, not a real model. */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  static final int PREFIX_BYTES = 8;

  static final String METADATA_KEY = "__metadata__";

  /** Longest header string (a name, a dtype, a value) that a message quotes in full. */
  static final int MAX_QUOTED_CHARS = 64;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  final Map<String, TensorInfo> entries;
  final Map<String, String> metadata;

  private SafetensorsHeader(Map<String, TensorInfo> entries, Map<String, String> metadata) {
    this.entries = Collections.unmodifiableMap(entries);
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  /**
   * Reads the header length from the first 8 bytes and checks it against the total size, so
   * that a corrupt length never makes us allocate or map gigabytes.
   */
  static long headerLength(ByteBuffer prefix, long totalSize, String source)
      throws SafetensorsFormatException {
    if (totalSize < PREFIX_BYTES) {
      throw new SafetensorsFormatException(
          source, "only " + totalSize + " bytes, too short for the 8-byte header length");
    }
    long n = prefix.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    if (n < 0 || n > MAX_HEADER_BYTES) {
      throw new SafetensorsFormatException(
          source,
          "the first 8 bytes are not a header length of at most "
              + MAX_HEADER_BYTES
              + " bytes (not a safetensors file, or a corrupt one)");
    }
    if (PREFIX_BYTES + n > totalSize) {
      throw new SafetensorsFormatException(
          source,
          "the header length in the first 8 bytes runs past the end of the data ("
              + totalSize
              + " bytes; truncated file?)");
    }
    return n;
  }

  /** Parses and validates the JSON header; {@code dataSize} is what follows the header. */
  static SafetensorsHeader parse(ByteBuffer json, long dataSize, String source)
      throws SafetensorsFormatException {
    String text = decodeUtf8(json, source);
    if (!text.startsWith("{")) {
      throw new SafetensorsFormatException(source, "header does not start with '{'");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      // Jackson's message quotes the offending input, which in a file that is not a safetensors
      // file can be anything: say only what kind of problem and where. The exception is not
      // kept as the cause either, as logs print causes.
      String problem =
          String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field")
              ? "header is not valid JSON: it names a tensor or key twice"
              : "header is not valid JSON";
      throw new SafetensorsFormatException(source, problem + at(e));
    }
    if (root == null || !root.isObject()) {
      throw new SafetensorsFormatException(source, "header is not a JSON object");
    }
    Map<String, TensorInfo> entries = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (METADATA_KEY.equals(field.getKey())) {
        readMetadata(field.getValue(), metadata, source);
      } else {
        entries.put(field.getKey(), readEntry(field.getKey(), field.getValue(), dataSize, source));
      }
    }
    checkCoverage(entries, dataSize, source);
    return new SafetensorsHeader(entries, metadata);
  }

  private static String at(JsonProcessingException e) {
    JsonLocation where = e.getLocation();
    return where == null
        ? ""
        : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
  }

  /**
   * A string of the header (a tensor name, a dtype, a JSON value) for a message: quoted, and cut
   * short, as a header may hold megabytes of text and a message should stay one readable line.
   */
  static String quote(String text) {
    int chars = text.codePointCount(0, text.length());
    if (chars <= MAX_QUOTED_CHARS) {
      return "'" + text + "'";
    }
    return "'" + text.substring(0, text.offsetByCodePoints(0, MAX_QUOTED_CHARS)) + "...' ("
        + chars + " chars)";
  }

  private static String decodeUtf8(ByteBuffer json, String source)
      throws SafetensorsFormatException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(json)
          .toString();
    } catch (CharacterCodingException e) {
      throw new SafetensorsFormatException(source, "header is not valid UTF-8", e);
    }
  }

  private static void readMetadata(JsonNode node, Map<String, String> out, String source)
      throws SafetensorsFormatException {
    if (!node.isObject()) {
      throw new SafetensorsFormatException(source, METADATA_KEY + " is not a JSON object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new SafetensorsFormatException(
            source, METADATA_KEY + " value of " + quote(e.getKey()) + " is not a string");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
  }

  private static TensorInfo readEntry(String name, JsonNode node, long dataSize, String source)
      throws SafetensorsFormatException {
    String where = "tensor " + quote(name);
    if (!node.isObject()) {
      throw new SafetensorsFormatException(source, where + " is not a JSON object");
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw new SafetensorsFormatException(source, where + " has no string \"dtype\"");
    }
    SafetensorsDtype dtype = SafetensorsDtype.fromName(dtypeNode.textValue());
    if (dtype == null) {
      throw new SafetensorsFormatException(
          source,
          where
              + " has an unknown or unsupported dtype (supported: "
              + SafetensorsDtype.supportedNames()
              + ")");
    }
    long[] shape = longArray(node.get("shape"), -1, where + " \"shape\"", source);
    long[] offsets = longArray(node.get("data_offsets"), 2, where + " \"data_offsets\"", source);
    long begin = offsets[0];
    long end = offsets[1];
    if (end < begin) {
      throw new SafetensorsFormatException(
          source, where + " has data_offsets [" + begin + ", " + end + "] with end before begin");
    }
    if (end > dataSize) {
      throw new SafetensorsFormatException(
          source,
          where
              + " has data_offsets ["
              + begin
              + ", "
              + end
              + "] beyond the data section of "
              + dataSize
              + " bytes");
    }
    long expectedBytes;
    try {
      expectedBytes = Math.multiplyExact(TensorInfo.numel(shape), dtype.byteSize());
    } catch (ArithmeticException e) {
      throw new SafetensorsFormatException(
          source, where + " shape " + Arrays.toString(shape) + " overflows 64 bits");
    }
    if (end - begin != expectedBytes) {
      throw new SafetensorsFormatException(
          source,
          where
              + ": "
              + dtype
              + " shape "
              + Arrays.toString(shape)
              + " needs "
              + expectedBytes
              + " bytes but data_offsets ["
              + begin
              + ", "
              + end
              + "] span "
              + (end - begin));
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  /** A JSON array of non-negative integers; {@code length} -1 means any length. */
  private static long[] longArray(JsonNode node, int length, String what, String source)
      throws SafetensorsFormatException {
    if (node == null || !node.isArray()) {
      throw new SafetensorsFormatException(source, what + " is missing or not an array");
    }
    if (length >= 0 && node.size() != length) {
      throw new SafetensorsFormatException(
          source, what + " has " + node.size() + " elements, expected " + length);
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw new SafetensorsFormatException(
            source, what + " holds a value that is not a 64-bit integer");
      }
      out[i] = v.longValue();
      if (out[i] < 0) {
        throw new SafetensorsFormatException(source, what + " holds a negative value");
      }
    }
    return out;
  }

  /**
   * The format requires the tensors to tile the data section exactly: no overlap (two tensors
   * aliasing bytes), no hole and no trailing bytes (room to hide data the header does not
   * describe).
   */
  private static void checkCoverage(Map<String, TensorInfo> entries, long dataSize, String source)
      throws SafetensorsFormatException {
    List<TensorInfo> sorted = new ArrayList<>(entries.values());
    sorted.sort(
        Comparator.comparingLong(TensorInfo::dataBegin).thenComparingLong(TensorInfo::dataEnd));
    long next = 0;
    TensorInfo previous = null;
    for (TensorInfo t : sorted) {
      if (t.dataBegin() < next) {
        throw new SafetensorsFormatException(
            source,
            "data of tensor "
                + quote(t.name())
                + " "
                + range(t)
                + " overlaps tensor "
                + quote(previous.name())
                + " "
                + range(previous));
      }
      if (t.dataBegin() > next) {
        throw new SafetensorsFormatException(
            source,
            "data bytes ["
                + next
                + ", "
                + t.dataBegin()
                + ") before tensor "
                + quote(t.name())
                + " belong to no tensor (the data must be contiguous)");
      }
      next = t.dataEnd();
      previous = t;
    }
    if (next != dataSize) {
      throw new SafetensorsFormatException(
          source,
          "the data section has "
              + dataSize
              + " bytes but the tensors cover only "
              + next
              + " (trailing bytes)");
    }
  }

  private static String range(TensorInfo t) {
    return "[" + t.dataBegin() + ", " + t.dataEnd() + ")";
  }
}
