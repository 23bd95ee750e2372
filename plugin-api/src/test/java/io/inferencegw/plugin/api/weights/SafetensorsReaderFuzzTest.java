package io.inferencegw.plugin.api.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferencegw.plugin.api.fuzz.ByteMutator;
import io.inferencegw.plugin.api.fuzz.FuzzCampaign;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutated safetensors files against the reader's contract: a buffer or file is either opened
 * with every entry usable (dtype, shape and byte range agree and tile the data section), or
 * rejected with a {@link SafetensorsFormatException} that names the source, stays short, and
 * quotes nothing of the file but what a well-formed JSON header says. Any other throwable, a
 * hang or an outsized allocation is a failure (see {@link FuzzCampaign}).
 *
 * <p>Seeds are written by {@link SafetensorsWriter}; their data sections hold the marker text
 * {@value #MARKER}, so a message that quotes file bytes it should not shows it. Mutations: the
 * generic ones of {@link ByteMutator}, tampered header lengths, and edits of the parsed header
 * (dtypes, shapes, offsets, names, metadata, duplicate keys, deep nesting) re-serialised with a
 * consistent length, so that most cases get past the framing to the checks behind it.
 *
 * <p>Longer run: {@code -Dfuzz.cases=200000} (and {@code -Dfuzz.seed=N} for other inputs).
 */
class SafetensorsReaderFuzzTest {

  private static final String SOURCE = "fuzzed.safetensors";
  private static final String MARKER = "PRIVATE-DATA-";
  private static final int MAX_MESSAGE_CHARS = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final List<byte[]> SEEDS = new ArrayList<>();
  private static Path fileCopy;

  @BeforeAll
  static void writeSeeds() throws IOException {
    Path dir = Files.createDirectories(Path.of("target", "fuzz-seeds"));
    fileCopy = dir.resolve("case.safetensors");
    try (PointerScope scope = new PointerScope()) {
      Map<String, Tensor> all = new LinkedHashMap<>(Fixtures.tensors());
      all.put("blob", markerBytes(40));
      SEEDS.add(written(dir.resolve("fixtures.safetensors"), all, Fixtures.METADATA));
      SEEDS.add(written(dir.resolve("blob.safetensors"), Map.of("blob", markerBytes(26)), null));
      SEEDS.add(written(dir.resolve("empty.safetensors"), Map.of(), Map.of("k", "v")));
      Map<String, Tensor> two = new LinkedHashMap<>();
      two.put("w", torch.ones(2, 2));
      two.put("b", markerBytes(13));
      SEEDS.add(written(dir.resolve("two.safetensors"), two, Map.of("format", "pt")));
    }
  }

  private static Tensor markerBytes(int n) {
    byte[] text = MARKER.repeat(n / MARKER.length() + 1).getBytes(StandardCharsets.US_ASCII);
    long[] values = new long[n];
    for (int i = 0; i < n; i++) {
      values[i] = text[i];
    }
    return torch.tensor(values).to(torch.ScalarType.Byte);
  }

  private static byte[] written(Path file, Map<String, Tensor> tensors, Map<String, String> meta)
      throws IOException {
    SafetensorsWriter.write(file, tensors, meta);
    return Files.readAllBytes(file);
  }

  @Test
  void mutatedFilesAreOpenedWhole() {
    new FuzzCampaign("safetensors", "safetensors", 4000, 16L << 20)
        .run(SafetensorsReaderFuzzTest::generate, SafetensorsReaderFuzzTest::check);
  }

  // ---- generation ----

  static byte[] generate(Random r) {
    byte[] seed = SEEDS.get(r.nextInt(SEEDS.size()));
    int kind = r.nextInt(20);
    if (kind < 8) {
      byte[] tampered = tamperHeader(seed, r);
      return r.nextInt(4) == 0 ? ByteMutator.mutate(tampered, r) : tampered;
    }
    if (kind < 15) {
      return ByteMutator.mutate(seed, r, 1 + r.nextInt(4));
    }
    if (kind < 18) {
      byte[] d = seed.clone();
      long length = r.nextBoolean()
          ? ByteMutator.interestingInt(r)
          : headerLength(d) + r.nextInt(33) - 16;
      ByteMutator.putInt(d, 0, 8, false, length);
      return d;
    }
    return spliceDataIntoHeader(seed, r);
  }

  private static long headerLength(byte[] d) {
    return ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
  }

  /** Copies data-section bytes (the marker) over part of the header. */
  private static byte[] spliceDataIntoHeader(byte[] seed, Random r) {
    byte[] d = seed.clone();
    int dataStart = 8 + (int) headerLength(d);
    int dataLength = d.length - dataStart;
    if (dataLength == 0) {
      return d;
    }
    int length = 1 + r.nextInt(Math.min(dataLength, 32));
    int from = dataStart + r.nextInt(dataLength - length + 1);
    int to = 8 + r.nextInt(dataStart - 8);
    System.arraycopy(seed, from, d, to, Math.min(length, dataStart - to));
    return d;
  }

  /** The seed with its JSON header edited, usually with the length field made to match. */
  private static byte[] tamperHeader(byte[] seed, Random r) {
    int n = (int) headerLength(seed);
    String text = new String(seed, 8, n, StandardCharsets.UTF_8);
    byte[] data = Arrays.copyOfRange(seed, 8 + n, seed.length);
    ObjectNode root;
    try {
      root = (ObjectNode) JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a seed header is valid JSON", e);
    }
    for (int i = 1 + r.nextInt(2); i > 0; i--) {
      tamper(root, r);
    }
    String json = root.toString();
    if (r.nextInt(8) == 0) {
      json = textLevelTamper(json, r);
    }
    byte[] header = json.getBytes(StandardCharsets.UTF_8);
    if (r.nextBoolean()) {
      header = Arrays.copyOf(header, (header.length + 7) / 8 * 8);
      Arrays.fill(header, json.getBytes(StandardCharsets.UTF_8).length, header.length, (byte) ' ');
    }
    long length = r.nextInt(10) == 0 ? n : header.length;
    if (r.nextInt(10) == 0) {
      data = r.nextBoolean()
          ? Arrays.copyOf(data, r.nextInt(data.length + 1))
          : ByteMutator.insert(data, r.nextInt(data.length + 1), new byte[1 + r.nextInt(8)]);
    }
    return ByteBuffer.allocate(8 + header.length + data.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(length)
        .put(header)
        .put(data)
        .array();
  }

  private static void tamper(ObjectNode root, Random r) {
    List<String> names = new ArrayList<>();
    root.fieldNames().forEachRemaining(names::add);
    if (names.isEmpty() || r.nextInt(12) == 0) {
      root.set(randomName(r), randomEntry(r));
      return;
    }
    String name = names.get(r.nextInt(names.size()));
    JsonNode node = root.get(name);
    if (!(node instanceof ObjectNode entry) || r.nextInt(10) == 0) {
      switch (r.nextInt(4)) {
        case 0 -> root.remove(name);
        case 1 -> root.set(name, oddValue(r));
        case 2 -> rename(root, name, randomName(r));
        default -> {
          if (node instanceof ObjectNode meta) {
            meta.set(randomName(r), oddValue(r));
          }
        }
      }
      return;
    }
    switch (r.nextInt(8)) {
      case 0 -> entry.set("dtype",
          r.nextInt(4) == 0 ? oddValue(r) : NODES.textNode(dtypeName(r)));
      case 1 -> entry.set("shape",
          r.nextInt(4) == 0 ? oddValue(r) : tamperedArray(entry, "shape", r));
      case 2, 3 -> entry.set("data_offsets",
          r.nextInt(4) == 0 ? oddValue(r) : tamperedArray(entry, "data_offsets", r));
      case 4 -> entry.remove(new String[] {"dtype", "shape", "data_offsets"}[r.nextInt(3)]);
      case 5 -> entry.set(randomName(r), oddValue(r));
      case 6 -> rename(
          root, name, r.nextBoolean() ? SafetensorsHeader.METADATA_KEY : randomName(r));
      default -> root.set(name, r.nextBoolean() ? NODES.objectNode() : randomEntry(r));
    }
  }

  private static void rename(ObjectNode root, String from, String to) {
    JsonNode value = root.remove(from);
    root.set(to, value);
  }

  private static ObjectNode randomEntry(Random r) {
    ObjectNode e = NODES.objectNode();
    e.put("dtype", dtypeName(r));
    ArrayNode shape = e.putArray("shape");
    for (int i = r.nextInt(4); i > 0; i--) {
      shape.add(r.nextInt(5));
    }
    e.putArray("data_offsets").add(r.nextInt(64)).add(r.nextInt(64));
    return e;
  }

  private static ArrayNode tamperedArray(ObjectNode entry, String field, Random r) {
    ArrayNode out = NODES.arrayNode();
    if (entry.get(field) instanceof ArrayNode old) {
      out.addAll(old);
    }
    switch (r.nextInt(5)) {
      case 0 -> out.add(r.nextInt(3));
      case 1 -> {
        if (!out.isEmpty()) {
          out.remove(r.nextInt(out.size()));
        }
      }
      case 2 -> {
        if (!out.isEmpty()) {
          int i = r.nextInt(out.size());
          out.set(i, NODES.numberNode(out.get(i).asLong() + r.nextInt(17) - 8));
        }
      }
      case 3 -> {
        if (!out.isEmpty()) {
          out.set(r.nextInt(out.size()), NODES.numberNode(ByteMutator.interestingInt(r)));
        }
      }
      default -> {
        if (!out.isEmpty()) {
          out.set(r.nextInt(out.size()), oddValue(r));
        }
      }
    }
    return out;
  }

  private static String dtypeName(Random r) {
    String[] names = {
      "F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL",
      "U16", "U32", "U64", "F8_E4M3", "F8_E5M2", "F128", "f32", "", "F32 ", MARKER
    };
    return names[r.nextInt(names.length)];
  }

  private static String randomName(Random r) {
    String[] names = {
      "w", "blob", "a.b.c", "", "ü", "\"", "\\", "x".repeat(300), MARKER, "\u0000"
    };
    return names[r.nextInt(names.length)];
  }

  private static JsonNode oddValue(Random r) {
    return switch (r.nextInt(10)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.numberNode(1.5);
      case 2 -> NODES.textNode("7");
      case 3 -> NODES.objectNode();
      case 4 -> NODES.arrayNode();
      case 5 -> NODES.booleanNode(true);
      case 6 -> NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
      case 7 -> NODES.numberNode(-1);
      case 8 -> NODES.textNode("y".repeat(2000));
      default -> NODES.numberNode(ByteMutator.interestingInt(r));
    };
  }

  /** Edits JSON cannot express as a tree: a duplicate key, deep nesting, a huge number. */
  private static String textLevelTamper(String json, Random r) {
    int brace = json.indexOf('{', 1);
    return switch (r.nextInt(4)) {
      case 0 -> brace < 0 ? json : "{\"dup\":1,\"dup\":2," + json.substring(1);
      case 1 -> "{\"deep\":" + "[".repeat(3000) + "]".repeat(3000) + "," + json.substring(1);
      case 2 -> "{\"n\":{\"dtype\":\"U8\",\"shape\":[" + "9".repeat(1200)
          + "],\"data_offsets\":[0,0]}," + json.substring(1);
      default -> json.substring(0, r.nextInt(json.length() + 1));
    };
  }

  // ---- the contract ----

  static String check(byte[] input) throws IOException {
    String inMemory = outcome(input, SOURCE, () -> SafetensorsReader.of(input, SOURCE));
    if (Math.floorMod(Arrays.hashCode(input), 4) != 0) {
      return label(inMemory);
    }
    // The file path reads the same bytes through another code path: same verdict, same words.
    // It is slower, so it gets a quarter of the inputs (chosen by content, to stay replayable).
    Files.write(fileCopy, input);
    String onDisk = outcome(input, fileCopy.toString(), () -> SafetensorsReader.open(fileCopy));
    assertEquals(inMemory, onDisk.replace(fileCopy.toString(), SOURCE), "file vs in-memory");
    return label(inMemory);
  }

  private static String label(String outcome) {
    return outcome.equals("accepted") ? outcome : category(outcome);
  }

  private interface Opener {
    SafetensorsReader open() throws IOException;
  }

  /** "accepted" after checking every entry, or the rejection message after checking it. */
  private static String outcome(byte[] input, String source, Opener opener) throws IOException {
    SafetensorsReader reader;
    try {
      reader = opener.open();
    } catch (SafetensorsFormatException e) {
      checkRejection(input, source, e);
      return e.getMessage();
    }
    try (reader) {
      checkAccepted(input, reader);
    }
    return "accepted";
  }

  private static void checkRejection(byte[] input, String source, SafetensorsFormatException e) {
    String message = e.getMessage();
    assertTrue(message.startsWith("invalid safetensors data in " + source + ": "), message);
    assertEquals(source, e.source());
    assertTrue(message.length() <= MAX_MESSAGE_CHARS + source.length(),
        () -> "a " + message.length() + "-char message: " + message.substring(0, 300) + "...");
    if (quotesMarker(message)) {
      assertTrue(headerIsJson(input),
          "quotes file bytes of a header that is not JSON: " + message);
    }
  }

  /** Whether any 4 consecutive characters of the (cyclic) marker appear in the text. */
  private static boolean quotesMarker(String text) {
    String cyclic = MARKER + MARKER.substring(0, 3);
    for (int i = 0; i < MARKER.length(); i++) {
      if (text.contains(cyclic.substring(i, i + 4))) {
        return true;
      }
    }
    return false;
  }

  private static boolean headerIsJson(byte[] input) {
    if (input.length < 8) {
      return false;
    }
    long n = headerLength(input);
    if (n < 0 || 8 + n > input.length) {
      return false;
    }
    try {
      JSON.readTree(new String(input, 8, (int) n, StandardCharsets.UTF_8));
      return true;
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  private static void checkAccepted(byte[] input, SafetensorsReader reader) {
    long n = headerLength(input);
    long dataStart = 8 + n;
    long dataSize = input.length - dataStart;
    JsonNode header;
    try {
      header = JSON.readTree(new String(input, 8, (int) n, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new AssertionError("accepted a header that is not JSON", e);
    }
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = header.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!SafetensorsHeader.METADATA_KEY.equals(key)) {
        keys.add(key);
      }
    }
    assertEquals(keys, reader.names(), "the header's tensors");
    List<TensorInfo> infos = new ArrayList<>();
    for (String name : reader.names()) {
      TensorInfo info = reader.info(name);
      assertNotNull(info.dtype(), name);
      assertEquals(info.numel() * info.dtype().byteSize(), info.byteSize(), name + " size");
      assertTrue(info.dataBegin() >= 0 && info.dataEnd() <= dataSize, name + " range");
      byte[] expected = Arrays.copyOfRange(
          input, (int) (dataStart + info.dataBegin()), (int) (dataStart + info.dataEnd()));
      ByteBuffer actual = reader.bytes(name);
      byte[] copy = new byte[actual.remaining()];
      actual.get(copy);
      assertArrayEquals(expected, copy, name + " bytes");
      try (PointerScope scope = new PointerScope()) {
        assertEquals(info.numel(), reader.toTensor(name).numel(), name + " tensor");
      }
      infos.add(info);
    }
    infos.sort(Comparator.comparingLong(TensorInfo::dataBegin)
        .thenComparingLong(TensorInfo::dataEnd));
    long next = 0;
    for (TensorInfo info : infos) {
      assertEquals(next, info.dataBegin(), "tensors tile the data section");
      next = info.dataEnd();
    }
    assertEquals(dataSize, next, "no trailing bytes");
  }

  /** The problem with numbers and quoted parts blanked, cut short: a tally key. */
  private static String category(String message) {
    String problem = message.substring(message.indexOf(": ") + 2)
        .replaceAll("'[^']*'", "_").replaceAll("\\[[^\\]]*\\]", "_").replaceAll("[0-9]+", "#");
    return "rejected: " + problem.substring(0, Math.min(40, problem.length()));
  }
}
