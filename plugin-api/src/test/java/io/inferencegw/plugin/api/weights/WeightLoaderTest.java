package io.inferencegw.plugin.api.weights;

import static io.inferencegw.plugin.api.weights.Fixtures.assertSameTensor;
import static io.inferencegw.plugin.api.weights.Fixtures.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.plugin.api.StateDict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightLoaderTest {

  @TempDir Path dir;
  private PointerScope scope;
  private TinyNet net;

  @BeforeEach
  void setUp() {
    scope = new PointerScope();
    net = new TinyNet();
    net.eval();
  }

  @AfterEach
  void tearDown() {
    scope.close();
  }

  /** New values for every tensor of the net, all different from its initialization. */
  private Map<String, Tensor> freshWeights() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    StateDict.of(net).forEach((key, t) -> {
      long[] shape = shape(t);
      if (t.scalar_type().value == ScalarType.Long.value) {
        out.put(key, torch.full(shape, new Scalar(7L)).to(ScalarType.Long));
      } else {
        out.put(key, torch.rand(shape).add(new Scalar(0.5)));
      }
    });
    return out;
  }

  private Path save(Map<String, Tensor> tensors) {
    Path file = dir.resolve("weights.safetensors");
    SafetensorsWriter.write(file, tensors);
    return file;
  }

  /** Deep copies of the net's current tensors, to prove later that nothing changed. */
  private Map<String, Tensor> snapshot() {
    Map<String, Tensor> copy = new LinkedHashMap<>();
    StateDict.of(net).forEach((k, t) -> copy.put(k, t.clone()));
    return copy;
  }

  private void assertNetHolds(Map<String, Tensor> expected) {
    Map<String, Tensor> actual = StateDict.of(net);
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
    expected.forEach((k, t) -> assertSameTensor(k, t, actual.get(k)));
  }

  private WeightLoadException assertLoadFails(Map<String, Tensor> fileTensors) {
    Map<String, Tensor> before = snapshot();
    Path file = save(fileTensors);
    WeightLoadException e =
        assertThrows(WeightLoadException.class, () -> WeightLoader.loadStrict(net, file));
    assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
    assertNetHolds(before);
    return e;
  }

  private static void assertMentions(Exception e, String... fragments) {
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "expected '" + f + "' in:\n" + e.getMessage());
    }
  }

  @Test
  void theNetHasTheExpectedStateDictKeys() {
    assertEquals(List.of(TinyNet.KEYS), List.copyOf(StateDict.of(net).keySet()));
  }

  @Test
  void loadingCopiesEveryValueInPlaceAndTheNetStillRuns() {
    Tensor input = torch.randn(2, 1, 8, 8);
    Tensor before = net.forward(input);
    Map<String, Long> addresses = new LinkedHashMap<>();
    StateDict.of(net).forEach((k, t) -> addresses.put(k, t.data_ptr().address()));
    Map<String, Tensor> weights = freshWeights();

    WeightLoader.loadStrict(net, save(weights));

    assertNetHolds(weights);
    StateDict.of(net).forEach((k, t) ->
        assertEquals(addresses.get(k), t.data_ptr().address(), k + " replaced, not copied into"));
    assertTrue(net.parameters().get(0).requires_grad(), "parameters stay trainable");
    System.gc();
    Tensor after = net.forward(input);
    assertArrayEquals(new long[] {2, 10}, shape(after));
    assertFalse(torch.allclose(before, after), "the forward pass uses the loaded weights");
    assertSameTensor("forward is repeatable", after, net.forward(input));
  }

  @Test
  void narrowerDtypesInTheFileAreConverted() {
    Map<String, Tensor> weights = freshWeights();
    Map<String, Tensor> half = new LinkedHashMap<>();
    weights.forEach((k, t) -> half.put(k, t.scalar_type().value == ScalarType.Float.value
        ? t.to(ScalarType.Half) : t.to(ScalarType.Int)));
    Path file = save(half);

    WeightLoader.loadStrict(net, file);

    Map<String, Tensor> expected = new LinkedHashMap<>();
    half.forEach((k, t) -> expected.put(k,
        t.to(t.scalar_type().value == ScalarType.Half.value ? ScalarType.Float : ScalarType.Long)));
    assertNetHolds(expected);
    assertEquals(7L, StateDict.of(net).get("bn.num_batches_tracked").item_long());
  }

  @Test
  void loadsFromBytesLikeFromAFile() throws IOException {
    Map<String, Tensor> weights = freshWeights();
    byte[] bytes = Files.readAllBytes(save(weights));
    WeightLoader.loadStrict(net, bytes, "classpath:/tiny.safetensors");
    assertNetHolds(weights);

    weights.remove("fc.bias");
    byte[] incomplete = Files.readAllBytes(save(weights));
    WeightLoadException e =
        assertThrows(WeightLoadException.class, () -> WeightLoader.loadStrict(net, incomplete));
    assertMentions(e, "<in-memory safetensors, " + incomplete.length + " bytes>", "fc.bias");
  }

  @Test
  void missingKeyIsReported() {
    Map<String, Tensor> weights = freshWeights();
    weights.remove("fc.bias");
    WeightLoadException e = assertLoadFails(weights);
    assertMentions(e, "1 missing", "missing keys (1):", "fc.bias");
    assertEquals(List.of("fc.bias"), e.missingKeys());
    assertTrue(e.unexpectedKeys().isEmpty() && e.shapeMismatches().isEmpty());
  }

  @Test
  void unexpectedKeyIsReported() {
    Map<String, Tensor> weights = freshWeights();
    weights.put("head.weight", torch.ones(3));
    WeightLoadException e = assertLoadFails(weights);
    assertMentions(e, "1 unexpected", "unexpected keys (1):", "head.weight");
    assertEquals(List.of("head.weight"), e.unexpectedKeys());
  }

  @Test
  void shapeMismatchShowsExpectedAndFoundShapes() {
    Map<String, Tensor> weights = freshWeights();
    weights.put("fc.weight", torch.ones(10, 95));
    WeightLoadException e = assertLoadFails(weights);
    assertMentions(e, "1 shape mismatches", "fc.weight: expected [10, 96], found [10, 95]");
  }

  @Test
  void allProblemsAreReportedInOneException() {
    Map<String, Tensor> weights = freshWeights();
    weights.remove("conv.weight");
    weights.remove("bn.running_var");
    weights.put("fc.bias", torch.ones(11));
    weights.put("classifier.1.weight", torch.ones(2, 2));
    WeightLoadException e = assertLoadFails(weights);
    assertMentions(e, "2 missing, 1 unexpected, 1 shape mismatches",
        "conv.weight", "bn.running_var", "classifier.1.weight",
        "fc.bias: expected [10], found [11]");
    assertEquals(List.of("conv.weight", "bn.running_var"), e.missingKeys());
    assertEquals(List.of("classifier.1.weight"), e.unexpectedKeys());
    assertEquals("fc.bias", e.shapeMismatches().get(0).key());
    assertEquals(List.of(10L), e.shapeMismatches().get(0).expected());
  }

  @Test
  void longListsAreCappedButCounted() {
    Map<String, Tensor> weights = freshWeights();
    for (int i = 0; i < 30; i++) {
      weights.put("extra." + i, torch.ones(1));
    }
    WeightLoadException e = assertLoadFails(weights);
    assertMentions(e, "30 unexpected", "unexpected keys (30):", "extra.19", "... and 10 more");
    assertFalse(e.getMessage().contains("extra.20"), e.getMessage());
    assertEquals(30, e.unexpectedKeys().size());
  }

  @Test
  void aMalformedFileIsReportedAsALoadFailureNamingTheFile() throws IOException {
    Map<String, Tensor> before = snapshot();
    Path file = dir.resolve("broken.safetensors");
    Files.write(file, new byte[] {1, 2, 3});
    WeightLoadException e =
        assertThrows(WeightLoadException.class, () -> WeightLoader.loadStrict(net, file));
    assertInstanceOf(SafetensorsFormatException.class, e.getCause());
    assertMentions(e, file.toString(), "TinyNet");
    assertNetHolds(before);
  }

  @Test
  void aMissingFileIsReportedAsALoadFailure() {
    Path file = dir.resolve("absent.safetensors");
    WeightLoadException e =
        assertThrows(WeightLoadException.class, () -> WeightLoader.loadStrict(net, file));
    assertInstanceOf(IOException.class, e.getCause());
    assertMentions(e, file.toString());
  }

  @Test
  void anIntegerFileForAFloatParameterIsRefusedNamingTheKey() {
    Map<String, Tensor> weights = freshWeights();
    weights.put("conv.weight", weights.get("conv.weight").to(ScalarType.Int));
    WeightLoadException e = assertLoadFails(weights);
    assertMentions(e, "1 dtype mismatches",
        "conv.weight: the module needs a floating type (F16, BF16, F32, F64), the file has I32");
    assertEquals("conv.weight", e.dtypeMismatches().get(0).key());
  }

  @Test
  void aFloatFileForAnIntegerBufferIsRefused() {
    Map<String, Tensor> weights = freshWeights();
    weights.put("bn.num_batches_tracked", torch.ones(shape(weights.get("bn.num_batches_tracked"))));
    WeightLoadException e = assertLoadFails(weights);
    assertMentions(e, "bn.num_batches_tracked: the module needs an integer type");
  }

  @Test
  void doublePrecisionIsConvertedLikeHalfPrecision() {
    Map<String, Tensor> weights = freshWeights();
    Map<String, Tensor> wide = new LinkedHashMap<>();
    weights.forEach((k, t) -> wide.put(k, t.scalar_type().value == ScalarType.Float.value
        ? t.to(ScalarType.Double) : t));
    WeightLoader.loadStrict(net, save(wide));
    assertNetHolds(weights);
  }

  @Test
  void nanOrInfiniteWeightsAreRefusedBeforeAnythingIsCopied() {
    Map<String, Tensor> weights = freshWeights();
    Tensor bias = weights.get("fc.bias").clone();
    bias.narrow(0, 3, 1).fill_(new Scalar(Float.NaN));
    weights.put("fc.bias", bias);
    Tensor conv = weights.get("conv.weight").clone();
    conv.fill_(new Scalar(Float.POSITIVE_INFINITY));
    weights.put("conv.weight", conv);
    WeightLoadException e = assertLoadFails(weights);
    assertMentions(e, "NaN or infinite values in 2 tensor(s)", "fc.bias (1 of 10 values)",
        "conv.weight (" + conv.numel() + " of " + conv.numel() + " values)");
  }

  @Test
  void metadataNamingAnotherVariantIsRefusedNamingBoth() throws IOException {
    Path file = dir.resolve("w.safetensors");
    SafetensorsWriter.write(file, freshWeights(), WeightsProvenance.of("tiny", "tiny-relu"));
    try (SafetensorsReader reader = SafetensorsReader.open(file)) {
      WeightsProvenance.check(reader, "tiny", "tiny-relu");
      WeightLoadException e = assertThrows(WeightLoadException.class,
          () -> WeightsProvenance.check(reader, "tiny", "tiny-sigmoid"));
      assertMentions(e, "'tiny-relu'", "tiny/tiny-sigmoid", file.toString());
      e = assertThrows(WeightLoadException.class,
          () -> WeightsProvenance.check(reader, "other", "tiny-relu"));
      assertMentions(e, "'tiny'", "other/tiny-relu");
    }
    Path anonymous = save(freshWeights());
    try (SafetensorsReader reader = SafetensorsReader.open(anonymous)) {
      WeightsProvenance.check(reader, "any", "thing"); // nothing recorded, nothing to refuse
    }
  }
}
