package io.inferencegw.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.config.ResourceRef;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.parity.Reference;
import io.inferencegw.plugin.api.parity.ReferenceRun;
import io.inferencegw.plugin.api.parity.TorchvisionOracle;
import io.inferencegw.plugin.api.parity.TorchvisionOracle.PythonRun;
import io.inferencegw.plugin.api.weights.SafetensorsReader;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's way to serve a trained PyTorch model: {@code deploy/python/convert_checkpoint.py}
 * turns a {@code .pth} into safetensors, and a config entry serves it. The checkpoint here is
 * torchvision's DenseNet-121 (seeded random weights, as the parity harness makes them) saved the
 * way old training code saved it: nested under "state_dict", DataParallel's "module." prefix, no
 * BatchNorm num_batches_tracked, DenseNet's dotted layer names. Served, it must give
 * torchvision's logits.
 */
@ExtendWith(VertxExtension.class)
class CheckpointConversionEndToEndTest {

  private static final Path BASE = Path.of(System.getProperty("basedir", "."));
  private static final Path CONVERTER = BASE.resolve("../deploy/python/convert_checkpoint.py");
  private static final Path MAKE_LEGACY = BASE.resolve("src/test/python/make_legacy_checkpoint.py");
  private static final String ARCH = "densenet121";

  @TempDir static Path dir;
  private static TorchvisionOracle oracle;
  private static ReferenceRun reference;
  private static Path legacyCheckpoint;

  @BeforeAll
  static void oldStyleCheckpoint() throws Exception {
    oracle = TorchvisionOracle.require();
    reference = oracle.run(Reference.torchvision(ARCH), List.of(3, 224, 224));
    legacyCheckpoint = dir.resolve(ARCH + "-legacy.pth");
    PythonRun made = python(MAKE_LEGACY.toString(), reference.weights().toString(),
        legacyCheckpoint.toString(), ARCH);
    assertEquals(0, made.exitCode(), made.output());
  }

  @AfterAll
  static void cleanUp() {
    if (reference != null) {
      reference.close();
    }
  }

  @Test
  void aConvertedOldStyleCheckpointServesTorchvisionsLogits(Vertx vertx) throws Exception {
    Path converted = dir.resolve(ARCH + ".safetensors");
    PythonRun result = python(CONVERTER.toString(), legacyCheckpoint.toString(),
        converted.toString(), "--torchvision", ARCH, "--family", "densenet");
    assertEquals(0, result.exitCode(), result.output());
    assertTrue(result.output().contains("tensors"), result.output());
    try (SafetensorsReader written = SafetensorsReader.open(converted)) {
      assertEquals("densenet", written.metadata().get("family"), "the gateway checks it at load");
      assertEquals(ARCH, written.metadata().get("variant"));
    }

    ModelConfig model = new ModelConfig("my-densenet", "densenet", ARCH,
        ResourceRef.file(converted), Optional.empty(), List.of("cpu"), 1, TestGateways.ONE_AT_A_TIME);
    GatewayConfig config =
        ConfigLoader.loadBundled(TestGateways.PLUGINS).withPort(0).withModels(List.of(model));
    Gateway gateway = Gateway.start(vertx, config).await(120, TimeUnit.SECONDS);
    try (GatewayClient client = new GatewayClient(vertx, "localhost", gateway.port());
        SafetensorsReader inputs = SafetensorsReader.open(reference.input());
        SafetensorsReader logits = SafetensorsReader.open(reference.logits())) {
      ServedLogits.assertMatch(client, "my-densenet", 224,
          ServedLogits.floats(inputs.bytes(inputs.names().get(0))),
          ServedLogits.floats(logits.bytes(logits.names().get(0))));
    } finally {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCheckpointOfAnotherArchitectureIsRefusedWithTheKeysThatDoNotFit() throws Exception {
    Path out = dir.resolve("wrong.safetensors");
    PythonRun result = python(CONVERTER.toString(), legacyCheckpoint.toString(), out.toString(),
        "--torchvision", "resnet18");
    assertEquals(1, result.exitCode(), result.output());
    assertTrue(result.output().contains("does not fit torchvision's resnet18"), result.output());
    assertTrue(result.output().contains("missing") && result.output().contains("unexpected"),
        result.output());
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void aFileThatIsNotACheckpointIsRefused() throws Exception {
    Path notACheckpoint = dir.resolve("notes.pth");
    Files.writeString(notACheckpoint, "not a checkpoint");
    Path out = dir.resolve("notes.safetensors");
    PythonRun result = python(CONVERTER.toString(), notACheckpoint.toString(), out.toString());
    assertEquals(1, result.exitCode(), result.output());
    assertTrue(result.output().contains("cannot read"), result.output());
    assertFalse(Files.exists(out));
  }

  private static PythonRun python(String... args) {
    return oracle.runPython(List.of(args), Map.of());
  }
}
