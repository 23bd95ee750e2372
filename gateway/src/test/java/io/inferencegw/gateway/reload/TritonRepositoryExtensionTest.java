package io.inferencegw.gateway.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.client.OipClient;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.ManagementConfig;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.proto.oip.GRPCInferenceServiceGrpcClient;
import io.inferencegw.proto.oip.ModelReadyRequest;
import io.inferencegw.proto.oip.ModelRepositoryParameter;
import io.inferencegw.proto.oip.RepositoryIndexRequest;
import io.inferencegw.proto.oip.RepositoryIndexResponse;
import io.inferencegw.proto.oip.RepositoryModelLoadRequest;
import io.inferencegw.proto.oip.RepositoryModelUnloadRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Triton's model repository extension sends, over REST and gRPC, through the real gateway:
 * a model entry in the {@code config} parameter, an empty load that reloads (or brings back) a
 * model from its last entry, {@code unload_dependents}, the index's {@code ready} filter; and
 * the refusals (uploaded files, unknown parameters, unknown models, missing or wrong token).
 */
@ExtendWith(VertxExtension.class)
class TritonRepositoryExtensionTest {

  private static final Path WEIGHTS =
      Path.of("src/main/resources/default-model/fashion-lenet.safetensors").toAbsolutePath();
  private static final Path LABELS = WEIGHTS.resolveSibling("fashion-mnist.txt");
  private static final String BUNDLED = "fashion-lenet";

  @TempDir Path plugins;
  @TempDir Path repository;
  private Gateway gateway;
  private OipClient oip;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private void start(Vertx vertx, ManagementConfig management) throws Exception {
    PluginJars.deploy(PluginJars.LENET, plugins, "lenet.jar");
    Files.copy(WEIGHTS, repository.resolve(WEIGHTS.getFileName()));
    Files.copy(LABELS, repository.resolve(LABELS.getFileName()));
    GatewayConfig config = ConfigLoader.loadBundled(plugins).withPort(0)
        .withManagement(management).withModelRepository(repository);
    gateway = Gateway.start(vertx, config).await(60, TimeUnit.SECONDS);
    oip = new OipClient(vertx, "localhost", gateway.port());
  }

  @AfterEach
  void tearDown() throws Exception {
    if (oip != null) {
      oip.close();
    }
    if (gateway != null) {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  private static ManagementConfig loopbackOnly() {
    return new ManagementConfig(Optional.empty(), ManagementConfig.LOOPBACK);
  }

  /** A model entry as the gateway's config file has it, as JSON text. */
  private static String entry() {
    return new JsonObject().put("family", "lenet").put("variant", "lenet5-relu")
        .put("weights", WEIGHTS.getFileName().toString())
        .put("labels", LABELS.getFileName().toString())
        .put("devices", new JsonArray().add("cpu")).encode();
  }

  private record Reply(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private Reply post(String path, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.port() + path))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  private static String parameters(JsonObject parameters) {
    return new JsonObject().put("parameters", parameters).encode();
  }

  private List<String> names(Reply index) {
    assertEquals(200, index.status(), index.body());
    return new JsonArray(index.body()).stream()
        .map(o -> ((JsonObject) o).getString("name")).toList();
  }

  @Test
  void restTakesTritonsLoadUnloadAndIndexRequests(Vertx vertx) throws Exception {
    start(vertx, loopbackOnly());
    Reply loaded = post("/v2/repository/models/extra/load",
        parameters(new JsonObject().put("config", entry())));
    assertEquals(200, loaded.status(), loaded.body());
    assertEquals("READY", loaded.json().getString("state"));
    assertEquals(List.of("extra", BUNDLED),
        names(post("/v2/repository/index", "{\"ready\": true}")).stream().sorted().toList());

    Reply unloaded = post("/v2/repository/models/extra/unload",
        parameters(new JsonObject().put("unload_dependents", true)));
    assertEquals(200, unloaded.status(), unloaded.body());
    assertEquals(List.of(BUNDLED), names(post("/v2/repository/index", "{\"ready\": true}")));

    // An empty load brings the model back from the entry it was last loaded with...
    Reply again = post("/v2/repository/models/extra/load", null);
    assertEquals(200, again.status(), again.body());
    assertEquals("2", again.json().getString("version"));
    try (GatewayClient client = new GatewayClient(vertx, "localhost", gateway.port())) {
      var answer = client.classify(io.inferencegw.proto.v1.ClassifyRequest.newBuilder()
          .setModel("extra").setTensor(io.inferencegw.proto.v1.Tensor.newBuilder()
              .addShape(1).addShape(1).addShape(28).addShape(28)
              .setData(ByteString.copyFrom(new byte[784 * Float.BYTES]))).build())
          .await(30, TimeUnit.SECONDS);
      assertEquals("extra", answer.getModel());
      assertFalse(answer.getPredictions(0).getLabel().isEmpty(), "labels came with the entry");
    }
    // ...and reloads one from the config file as a new version.
    Reply reload = post("/v2/repository/models/" + BUNDLED + "/load", "{}");
    assertEquals(200, reload.status(), reload.body());
    assertEquals("2", reload.json().getString("version"));

    // A file that cannot be served is named as the caller named it, not by where it lies.
    Reply wrongVariant = post("/v2/repository/models/other/load",
        entry().replace("lenet5-relu", "lenet5"));
    assertEquals(422, wrongVariant.status(), wrongVariant.body());
    assertTrue(wrongVariant.body().contains("from fashion-lenet.safetensors into"),
        wrongVariant.body());
    assertFalse(wrongVariant.body().contains(repository.toString()), wrongVariant.body());
    assertFalse(post("/v2/repository/index", null).body().contains(repository.toString()));

    Reply never = post("/v2/repository/models/never-seen/load", null);
    assertEquals(404, never.status());
    assertTrue(never.json().getString("error").contains("send its entry"), never.body());
    Reply upload = post("/v2/repository/models/extra/load", parameters(new JsonObject()
        .put("config", entry()).put("file:1/model.safetensors", "AAAA")));
    assertEquals(400, upload.status());
    assertTrue(upload.json().getString("error").contains("put them in the model repository"),
        upload.body());
    Reply unknownParameter = post("/v2/repository/models/extra/load",
        parameters(new JsonObject().put("colour", "red")));
    assertEquals(400, unknownParameter.status());
    assertTrue(unknownParameter.json().getString("error").contains("colour"));
    Reply notJson = post("/v2/repository/models/extra/load",
        parameters(new JsonObject().put("config", "{not json")));
    assertEquals(400, notJson.status());
    assertEquals(400, post("/v2/repository/index", "{\"ready\": \"yes\"}").status());
    assertEquals(400, post("/v2/repository/models/extra/unload",
        parameters(new JsonObject().put("force", 1))).status());
    assertEquals(400, post("/v2/repository/models/extra/unload", "[1, 2]").status());
    // Nothing refused above changed what is served.
    assertTrue(gateway.models().resolve("extra", "").isPresent());
  }

  private static ModelRepositoryParameter string(String value) {
    return ModelRepositoryParameter.newBuilder().setStringParam(value).build();
  }

  private <Q, R> GrpcStatus statusOf(Future<R> call) {
    try {
      call.await(60, TimeUnit.SECONDS);
      return GrpcStatus.OK;
    } catch (GatewayClient.CallFailed e) {
      return e.status();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private boolean modelReady(String name) {
    Future<Boolean> ready = oip.call(GRPCInferenceServiceGrpcClient.ModelReady,
        ModelReadyRequest.newBuilder().setName(name).build(), 0)
        .map(r -> r.getReady());
    try {
      return ready.await(30, TimeUnit.SECONDS);
    } catch (GatewayClient.CallFailed e) {
      assertEquals(GrpcStatus.NOT_FOUND, e.status());
      return false;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void grpcRepositoryRpcsLoadUnloadAndList(Vertx vertx) throws Exception {
    start(vertx, loopbackOnly());
    RepositoryIndexResponse index = oip.call(GRPCInferenceServiceGrpcClient.RepositoryIndex,
        RepositoryIndexRequest.newBuilder().setReady(true).build(), 0)
        .await(30, TimeUnit.SECONDS);
    assertEquals(1, index.getModelsCount());
    assertEquals(BUNDLED, index.getModels(0).getName());
    assertEquals("READY", index.getModels(0).getState());

    assertEquals(GrpcStatus.OK, statusOf(oip.call(
        GRPCInferenceServiceGrpcClient.RepositoryModelLoad,
        RepositoryModelLoadRequest.newBuilder().setModelName("extra")
            .putParameters("config", string(entry())).build(), 0)));
    assertTrue(modelReady("extra"));
    assertEquals(GrpcStatus.OK, statusOf(oip.call(
        GRPCInferenceServiceGrpcClient.RepositoryModelUnload,
        RepositoryModelUnloadRequest.newBuilder().setModelName("extra")
            .putParameters("unload_dependents",
                ModelRepositoryParameter.newBuilder().setBoolParam(true).build())
            .build(), 0)));
    assertFalse(modelReady("extra"));
    assertEquals(GrpcStatus.OK, statusOf(oip.call(
        GRPCInferenceServiceGrpcClient.RepositoryModelLoad,
        RepositoryModelLoadRequest.newBuilder().setModelName("extra").build(), 0)));
    assertTrue(modelReady("extra"));

    assertEquals(GrpcStatus.INVALID_ARGUMENT, statusOf(oip.call(
        GRPCInferenceServiceGrpcClient.RepositoryModelLoad,
        RepositoryModelLoadRequest.newBuilder().setModelName("extra")
            .putParameters("config", string(entry()))
            .putParameters("file:1/model.safetensors", ModelRepositoryParameter.newBuilder()
                .setBytesParam(ByteString.copyFrom(new byte[16])).build()).build(), 0)));
    assertEquals(GrpcStatus.INVALID_ARGUMENT, statusOf(oip.call(
        GRPCInferenceServiceGrpcClient.RepositoryModelLoad,
        RepositoryModelLoadRequest.newBuilder().setModelName("../x").build(), 0)));
    assertEquals(GrpcStatus.NOT_FOUND, statusOf(oip.call(
        GRPCInferenceServiceGrpcClient.RepositoryModelUnload,
        RepositoryModelUnloadRequest.newBuilder().setModelName("never-seen").build(), 0)));
    assertEquals(GrpcStatus.NOT_FOUND, statusOf(oip.call(
        GRPCInferenceServiceGrpcClient.RepositoryModelLoad,
        RepositoryModelLoadRequest.newBuilder().setModelName("x").putParameters("config",
            string(entry().replace("\"lenet\"", "\"nope\""))).build(), 0)));
    assertTrue(modelReady("extra"), "refused calls changed nothing");
  }

  @Test
  void grpcRepositoryRpcsNeedTheManagementToken(Vertx vertx) throws Exception {
    start(vertx, new ManagementConfig(Optional.of("s3cret"), ManagementConfig.LOOPBACK));
    RepositoryModelUnloadRequest unload =
        RepositoryModelUnloadRequest.newBuilder().setModelName(BUNDLED).build();
    assertEquals(GrpcStatus.UNAUTHENTICATED, statusOf(oip.call(
        GRPCInferenceServiceGrpcClient.RepositoryModelUnload, unload, 0)));
    assertEquals(GrpcStatus.PERMISSION_DENIED, statusOf(oip.call(
        GRPCInferenceServiceGrpcClient.RepositoryModelUnload, unload, 0,
        Map.of("authorization", "Bearer wrong"))));
    assertEquals(GrpcStatus.UNAUTHENTICATED, statusOf(oip.call(
        GRPCInferenceServiceGrpcClient.RepositoryIndex,
        RepositoryIndexRequest.getDefaultInstance(), 0)));
    assertTrue(modelReady(BUNDLED), "nothing was unloaded");
    assertEquals(GrpcStatus.OK, statusOf(oip.call(
        GRPCInferenceServiceGrpcClient.RepositoryModelUnload, unload, 0,
        Map.of("authorization", "bearer s3cret"))));
    assertFalse(modelReady(BUNDLED));
  }

  @Test
  void grpcRepositoryRpcsAreClosedToUntrustedNetworks(Vertx vertx) throws Exception {
    // The test client connects from 127.0.0.1; trusting only ::1 makes it an outsider.
    start(vertx, new ManagementConfig(Optional.empty(), List.of("::1/128")));
    assertEquals(GrpcStatus.PERMISSION_DENIED, statusOf(oip.call(
        GRPCInferenceServiceGrpcClient.RepositoryModelUnload,
        RepositoryModelUnloadRequest.newBuilder().setModelName(BUNDLED).build(), 0)));
    assertTrue(modelReady(BUNDLED), "nothing was unloaded");
  }
}
