package io.inferencegw.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every gateway config the repository ships (the bundled default and any YAML file with a
 * {@code models:} list, such as deploy/example-config.yaml) starts a gateway whose models answer
 * correctly: a config pairing a variant with another variant's weights fails to load, and a
 * LeNet config must classify Fashion-MNIST test images at the accuracy its weights were trained
 * to.
 */
@ExtendWith(VertxExtension.class)
class ShippedConfigsEndToEndTest {

  static final String BUNDLED = "bundled";
  private static final Path REPOSITORY_ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final int IMAGES = 300;
  /** The shipped LeNet weights reach 90-91% on the whole test set; 300 images vary by ~2%. */
  private static final double MIN_ACCURACY = 0.85;

  private static FashionMnist data;

  @BeforeAll
  static void dataset() throws IOException {
    data = FashionLenetReference.requireTestSet();
  }

  /** The bundled config and every YAML file in the repository that lists models. */
  static Stream<String> shippedConfigs() throws IOException {
    List<String> configs = new ArrayList<>(List.of(BUNDLED));
    try (Stream<Path> files = Files.walk(REPOSITORY_ROOT)) {
      files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .filter(f -> !REPOSITORY_ROOT.relativize(f).toString().matches(
              "(.*/)?(target|\\.git|node_modules)/.*"))
          .filter(f -> !f.toString().contains("/src/main/resources/default-model/"))
          .filter(ShippedConfigsEndToEndTest::listsModels)
          .map(f -> REPOSITORY_ROOT.relativize(f).toString())
          .sorted()
          .forEach(configs::add);
    }
    return configs.stream();
  }

  private static boolean listsModels(Path yaml) {
    try {
      return Files.readAllLines(yaml).stream().anyMatch(l -> l.startsWith("models:"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theDiscoveryFindsTheExampleConfig() throws IOException {
    assertTrue(shippedConfigs().toList().contains("deploy/example-config.yaml"),
        shippedConfigs().toList().toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shippedConfigs")
  void everyShippedConfigLoadsAndAnswersCorrectly(String config, Vertx vertx) throws Exception {
    GatewayConfig loaded = config.equals(BUNDLED)
        ? ConfigLoader.loadBundled(TestGateways.PLUGINS)
        : ConfigLoader.load(REPOSITORY_ROOT.resolve(config), TestGateways.PLUGINS);
    assertFalse(loaded.models().isEmpty(), config + " serves models");
    Gateway gateway = Gateway.start(vertx, loaded.withPort(0)).await(120, TimeUnit.SECONDS);
    try (GatewayClient client = new GatewayClient(vertx, "localhost", gateway.port())) {
      for (ModelConfig model : loaded.models()) {
        assertTrue(gateway.models().resolve(model.name(), "").isPresent(),
            model.name() + " of " + config + " is served: " + gateway.models().index());
        if (model.family().equals("lenet")) {
          double accuracy = fashionMnistAccuracy(client, model.name());
          assertTrue(accuracy >= MIN_ACCURACY, String.format(Locale.ROOT,
              "%s of %s: accuracy %.3f on %d Fashion-MNIST test images", model.name(), config,
              accuracy, IMAGES));
        } else {
          ClassifyResponse r = client.classify(ClassifyRequest.newBuilder().setModel(model.name())
              .setImage(ByteString.copyFrom(data.png(0))).build()).await(60, TimeUnit.SECONDS);
          assertEquals(model.name(), r.getModel());
        }
      }
    } finally {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  private static double fashionMnistAccuracy(GatewayClient client, String model)
      throws Exception {
    List<Future<ClassifyResponse>> calls = new ArrayList<>();
    for (int i = 0; i < IMAGES; i++) {
      calls.add(client.classify(ClassifyRequest.newBuilder().setModel(model)
          .setImage(ByteString.copyFrom(data.png(i))).build()));
    }
    int correct = 0;
    for (int i = 0; i < IMAGES; i++) {
      if (calls.get(i).await(60, TimeUnit.SECONDS).getPredictions(0).getIndex() == data.label(i)) {
        correct++;
      }
    }
    return (double) correct / IMAGES;
  }
}
