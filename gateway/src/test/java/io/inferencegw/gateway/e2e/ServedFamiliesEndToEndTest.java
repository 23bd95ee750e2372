package io.inferencegw.gateway.e2e;

import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.config.ResourceRef;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.StateDict;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.parity.Reference;
import io.inferencegw.plugin.api.parity.ReferenceRun;
import io.inferencegw.plugin.api.parity.TorchvisionOracle;
import io.inferencegw.plugin.api.weights.SafetensorsReader;
import io.inferencegw.plugin.api.weights.SafetensorsWriter;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every served family through the real gateway: a torchvision reference network (seeded random
 * weights, as the parity harness makes them) is configured as a model, each reference input is
 * sent as a preprocessed {@code Tensor} with {@code return_logits}, and the logits must match
 * the reference within the parity tolerance.
 */
@ExtendWith(VertxExtension.class)
class ServedFamiliesEndToEndTest {

  /**
   * One gateway for the class, with every plugin and no model: each case loads its variant
   * through the model manager, as a management load call does, and unloads it afterwards.
   */
  private static Gateway gateway;
  private static GatewayClient client;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    gateway = Gateway.start(vertx,
            ConfigLoader.loadBundled(TestGateways.PLUGINS).withPort(0).withModels(List.of()))
        .await(120, TimeUnit.SECONDS);
    client = new GatewayClient(vertx, "localhost", gateway.port());
  }

  @AfterAll
  static void stop() throws Exception {
    TestGateways.close(client, gateway);
  }

  /** Serves the model, checks its logits, and unloads it, whatever the check found. */
  private static void serveAndCheck(ModelConfig model, int size, float[] input, float[] expected)
      throws Exception {
    gateway.models().load(model).await(120, TimeUnit.SECONDS);
    try {
      ServedLogits.assertMatch(client, model.name(), size, input, expected);
    } finally {
      gateway.models().unload(model.name()).await(60, TimeUnit.SECONDS);
    }
  }

  static Stream<Arguments> families() {
    return Stream.of(
        Arguments.of("alexnet", "alexnet", Reference.torchvision("alexnet")),
        Arguments.of("vgg", "vgg11", Reference.torchvision("vgg11")),
        Arguments.of("squeezenet", "squeezenet1_1", Reference.torchvision("squeezenet1_1")),
        // both families are served with transform_input=True, as torchvision builds them with
        // their ImageNet weights: the reference must do the same
        Arguments.of("googlenet", "googlenet", Reference.expression(
            "googlenet_transform_input", "models.googlenet(transform_input=True)")),
        Arguments.of("inception", "inception_v3", Reference.expression(
            "inception_v3_transform_input", "models.inception_v3(transform_input=True)")),
        Arguments.of("resnet", "resnet18", Reference.torchvision("resnet18")),
        Arguments.of("wide_resnet", "wide_resnet50_2", Reference.torchvision("wide_resnet50_2")),
        Arguments.of("resnext", "resnext50_32x4d", Reference.torchvision("resnext50_32x4d")),
        Arguments.of("densenet", "densenet121", Reference.torchvision("densenet121")),
        Arguments.of("mobilenet", "mobilenet_v3_small", Reference.torchvision("mobilenet_v3_small")),
        Arguments.of("efficientnet", "efficientnet_b0", Reference.torchvision("efficientnet_b0")),
        Arguments.of("shufflenet", "shufflenet_v2_x0_5", Reference.torchvision("shufflenet_v2_x0_5")),
        Arguments.of("mnasnet", "mnasnet0_5", Reference.torchvision("mnasnet0_5")),
        Arguments.of("regnet", "regnet_x_400mf", Reference.torchvision("regnet_x_400mf")),
        Arguments.of("vit", "vit_b_32", Reference.torchvision("vit_b_32")),
        Arguments.of("swin", "swin_t", Reference.torchvision("swin_t")),
        Arguments.of("convnext", "convnext_tiny", Reference.torchvision("convnext_tiny")));
  }

  @ParameterizedTest(name = "{0}/{1}")
  @MethodSource("families")
  void servedLogitsMatchTheReference(String family, String variant, Reference reference)
      throws Exception {
    TorchvisionOracle oracle = TorchvisionOracle.require();
    int size = variant.equals("inception_v3") ? 299 : 224;
    try (ReferenceRun ref = oracle.run(reference, List.of(3, size, size));
        SafetensorsReader inputs = SafetensorsReader.open(ref.input());
        SafetensorsReader logits = SafetensorsReader.open(ref.logits())) {
      ModelConfig model = new ModelConfig(variant, family, variant, ResourceRef.file(ref.weights()),
          Optional.empty(), List.of("cpu"), 1, TestGateways.ONE_AT_A_TIME);
      serveAndCheck(model, size, ServedLogits.floats(inputs.bytes(inputs.names().get(0))),
          ServedLogits.floats(logits.bytes(logits.names().get(0))));
    }
  }

  /**
   * The variants without a torchvision counterpart (timm's, checked against timm once, outside
   * CI): served through the real gateway, their logits must equal those of the same network and
   * weights run in this JVM. The family comes from the gateway's own plugin JAR.
   */
  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({"dpn, dpn68", "mobilenet, mobilenet_v1", "inception, inception_v4"})
  void timmVariantsServedLogitsMatchTheNetworkRunOffline(String family, String variant,
      @TempDir Path dir) throws Exception {
    ModelFamily f = gateway.plugins().family(family).orElseThrow().family();
    VariantSpec spec = f.requireVariant(variant);
    int size = spec.height();
    Path weights = dir.resolve(variant + ".safetensors");
    float[] input;
    float[] expected;
    try (ClassifierModule net = f.build(variant);
        PointerScope scope = new PointerScope()) {
      SafetensorsWriter.write(weights, StateDict.of(net));
      net.eval();
      torch.manual_seed(11);
      Tensor x = torch.randn(2, 3, size, size);
      try (InferenceMode guard = new InferenceMode()) {
        input = ServedLogits.values(x);
        expected = ServedLogits.values(net.forward(x));
      }
    }
    serveAndCheck(new ModelConfig(variant, family, variant, ResourceRef.file(weights),
        Optional.empty(), List.of("cpu"), 1, TestGateways.ONE_AT_A_TIME), size, input, expected);
  }
}
