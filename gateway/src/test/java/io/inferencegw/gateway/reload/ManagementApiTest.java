package io.inferencegw.gateway.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.ManagementConfig;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ModelInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The model repository API and the plugin list over HTTP, with their access rules. */
@ExtendWith(VertxExtension.class)
class ManagementApiTest {

  private static final Path WEIGHTS =
      Path.of("src/main/resources/default-model/fashion-lenet.safetensors").toAbsolutePath();

  @TempDir Path plugins;
  @TempDir Path repository;
  private Gateway gateway;
  private final HttpClient http = HttpClient.newHttpClient();

  private Gateway start(Vertx vertx, ManagementConfig management) throws Exception {
    PluginJars.deploy(PluginJars.LENET, plugins, "lenet.jar");
    Files.copy(WEIGHTS, repository.resolve(WEIGHTS.getFileName()));
    GatewayConfig config = ConfigLoader.loadBundled(plugins).withPort(0)
        .withManagement(management).withModelRepository(repository);
    gateway = Gateway.start(vertx, config).await(60, TimeUnit.SECONDS);
    return gateway;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  private HttpResponse<String> call(String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + gateway.port() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String entry(String variant) {
    return new JsonObject().put("family", "lenet").put("variant", variant)
        .put("weights", WEIGHTS.getFileName().toString())
        .put("devices", new JsonArray().add("cpu"))
        .put("batching", new JsonObject().put("max_batch_size", 8)).encode();
  }

  @Test
  void indexLoadUnloadAndPlugins(Vertx vertx) throws Exception {
    start(vertx, ManagementConfig.fromEnvironment().token().isPresent()
        ? new ManagementConfig(Optional.empty(), ManagementConfig.LOOPBACK)
        : ManagementConfig.fromEnvironment());
    JsonArray index = new JsonArray(call("GET", "/v2/repository/index", null, null).body());
    assertEquals("fashion-lenet", index.getJsonObject(0).getString("name"));
    assertEquals("READY", index.getJsonObject(0).getString("state"));

    HttpResponse<String> loaded = call("POST", "/v2/repository/models/extra/load", entry("lenet5-relu"), null);
    assertEquals(200, loaded.statusCode(), loaded.body());
    assertEquals("READY", new JsonObject(loaded.body()).getString("state"));
    assertTrue(call("GET", "/v2/repository/index", null, null).body().contains("\"extra\""));
    try (GatewayClient client = new GatewayClient(vertx, "localhost", gateway.port())) {
      ModelInfo extra = client.listModels().await(30, TimeUnit.SECONDS).getModelsList().stream()
          .filter(m -> m.getName().equals("extra")).findFirst().orElseThrow();
      assertEquals(Math.min(2, Runtime.getRuntime().availableProcessors()),
          extra.getReplicasCount(), "a CPU model loaded without 'instances' gets two replicas");
    }

    HttpResponse<String> reloaded = call("POST", "/v2/repository/models/extra/load", entry("lenet5-relu"), null);
    assertEquals("2", new JsonObject(reloaded.body()).getString("version"), reloaded.body());

    HttpResponse<String> badVariant = call("POST", "/v2/repository/models/x/load", entry("lenet9"), null);
    assertEquals(400, badVariant.statusCode(), badVariant.body());
    assertTrue(badVariant.body().contains("lenet9"), badVariant.body());
    HttpResponse<String> badKey = call("POST", "/v2/repository/models/x/load",
        "{\"family\":\"lenet\",\"variant\":\"lenet5\",\"weights\":\"w\",\"colour\":1}", null);
    assertEquals(400, badKey.statusCode());
    assertTrue(badKey.body().contains("colour"), badKey.body());
    HttpResponse<String> badFamily = call("POST", "/v2/repository/models/x/load",
        entry("lenet5").replace("\"lenet\"", "\"nope\""), null);
    assertEquals(404, badFamily.statusCode());

    assertEquals(200, call("POST", "/v2/repository/models/extra/unload", null, null).statusCode());
    assertEquals(404, call("POST", "/v2/repository/models/extra/unload", null, null).statusCode());

    JsonArray pluginList = new JsonArray(call("GET", "/v1/plugins", null, null).body());
    JsonObject lenet = pluginList.getJsonObject(0);
    assertEquals("lenet", lenet.getString("id"));
    assertEquals("1.0.0", lenet.getString("version"));
    assertEquals("ACTIVE", lenet.getString("state"));
    assertEquals(new JsonArray().add("lenet"), lenet.getJsonArray("families"));
  }

  @Test
  void withATokenEveryCallMustPresentIt(Vertx vertx) throws Exception {
    start(vertx, new ManagementConfig(Optional.of("s3cret"), ManagementConfig.LOOPBACK));
    assertEquals(401, call("GET", "/v2/repository/index", null, null).statusCode());
    assertEquals(403, call("GET", "/v2/repository/index", null, "wrong").statusCode());
    assertEquals(401, call("POST", "/v2/repository/models/fashion-lenet/unload", null, null).statusCode());
    assertEquals(401, call("GET", "/v1/plugins", null, null).statusCode());
    assertEquals(200, call("GET", "/v2/repository/index", null, "s3cret").statusCode());
    assertTrue(gateway.models().resolve("fashion-lenet", "").isPresent(), "nothing was unloaded");
  }

  @Test
  void withoutATokenOnlyTrustedNetworksMayCall(Vertx vertx) throws Exception {
    // The test client connects from 127.0.0.1; trusting only ::1 makes it an outsider.
    start(vertx, new ManagementConfig(Optional.empty(), List.of("::1/128")));
    assertEquals(403, call("GET", "/v2/repository/index", null, null).statusCode());
    assertEquals(403, call("POST", "/v2/repository/models/fashion-lenet/unload", null, null).statusCode());
    assertTrue(gateway.models().resolve("fashion-lenet", "").isPresent(), "nothing was unloaded");
  }

  @Test
  void loadingAndUnloadingUnderLoadFailsNoRequestToOtherModels(Vertx vertx) throws Exception {
    start(vertx, new ManagementConfig(Optional.empty(), ManagementConfig.LOOPBACK));
    byte[] png = Files.readAllBytes(Path.of("../deploy/samples/bag.png"));
    ClassifyRequest req = ClassifyRequest.newBuilder().setModel("fashion-lenet")
        .setImage(ByteString.copyFrom(png)).build();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    try (GatewayClient client = new GatewayClient(vertx, "localhost", gateway.port())) {
      List<Future<Void>> loops = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        Promise<Void> done = Promise.promise();
        loops.add(done.future());
        vertx.runOnContext(v -> loop(client, req, running, ok, failures, done));
      }
      for (int i = 0; i < 5; i++) {
        assertEquals(200, call("POST", "/v2/repository/models/extra/load", entry("lenet5-relu"), null)
            .statusCode());
        assertEquals(200, call("POST", "/v2/repository/models/extra/unload", null, null).statusCode());
      }
      running.set(false);
      Future.all(loops).await(30, TimeUnit.SECONDS);
    }
    assertTrue(failures.isEmpty(), "requests to fashion-lenet failed: " + failures);
    assertTrue(ok.get() > 20, "clients kept calling: " + ok.get());
  }

  private static void loop(GatewayClient client, ClassifyRequest req, AtomicBoolean running,
      AtomicInteger ok, ConcurrentLinkedQueue<String> failures, Promise<Void> done) {
    if (!running.get()) {
      done.complete();
      return;
    }
    client.classify(req).onComplete(ar -> {
      if (ar.succeeded()) {
        ok.incrementAndGet();
      } else {
        failures.add(String.valueOf(ar.cause()));
      }
      loop(client, req, running, ok, failures, done);
    });
  }
}
