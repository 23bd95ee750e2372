package io.inferencegw.gateway.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.ManagementConfig;
import io.inferencegw.gateway.config.SafeNames;
import io.inferencegw.gateway.server.Gateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and mistaken management calls through the real server: numbers out of range, files
 * outside the model repository, files that cannot be served, unsafe names, auth scheme case,
 * multipart uploads. Each is refused with the right status and a message naming the problem,
 * and the bundled model keeps answering correctly throughout (see {@link ServingProbe}).
 */
@ExtendWith(VertxExtension.class)
class ManagementHardeningTest {

  private static final String TOKEN = "s3cret";
  private static final String TEXT_FILE = "root:x:0:0:root:/root:/bin/bash\n";
  /** Where vertx-web's BodyHandler stores uploads by default: the working directory. */
  private static final Path UPLOADS = Path.of("file-uploads");

  @TempDir static Path work;
  private static Path repository;
  private static Path outside;
  private static Gateway gateway;
  private static List<Path> uploadsBeforeStart;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    Path plugins = Files.createDirectories(work.resolve("plugins"));
    PluginJars.deploy(PluginJars.LENET, plugins, "lenet.jar");
    repository = Files.createDirectories(work.resolve("repository"));
    outside = Files.createDirectories(work.resolve("outside"));
    Files.copy(WeightFiles.BUNDLED, repository.resolve("fashion-lenet.safetensors"));
    Files.copy(WeightFiles.SIGMOID_LENET, repository.resolve("sigmoid-lenet.safetensors"));
    Files.copy(Path.of("src/main/resources/default-model/fashion-mnist.txt"),
        repository.resolve("fashion-mnist.txt"));
    Files.writeString(repository.resolve("three-labels.txt"), "a\nb\nc\n");
    Files.writeString(repository.resolve("notes.safetensors"), TEXT_FILE);
    WeightFiles.withFloat(WeightFiles.BUNDLED, repository.resolve("nan.safetensors"),
        "fc2.bias", 3, Float.NaN);
    WeightFiles.withHeader(WeightFiles.BUNDLED, repository.resolve("int32.safetensors"),
        header -> header.getJsonObject("conv1.bias").put("dtype", "I32"));
    // Valid weights, but outside: a link to them must not make them loadable.
    Path secret = Files.copy(WeightFiles.BUNDLED, outside.resolve("secret.safetensors"));
    Files.writeString(outside.resolve("secret.txt"), TEXT_FILE);
    Files.createSymbolicLink(repository.resolve("escape.safetensors"), secret);
    Files.createSymbolicLink(repository.resolve("dangling.safetensors"),
        outside.resolve("missing.safetensors"));

    GatewayConfig config = ConfigLoader.loadBundled(plugins).withPort(0)
        .withManagement(new ManagementConfig(Optional.of(TOKEN), ManagementConfig.LOOPBACK))
        .withModelRepository(repository);
    uploadsBeforeStart = listing(UPLOADS);
    gateway = Gateway.start(vertx, config).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<String> call(String method, String path, String body,
      String authorization) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> load(String name, JsonObject entry) throws Exception {
    return call("POST", "/v2/repository/models/" + name + "/load", entry.encode(),
        "Bearer " + TOKEN);
  }

  private static HttpResponse<String> unload(String name) throws Exception {
    return call("POST", "/v2/repository/models/" + name + "/unload", null, "Bearer " + TOKEN);
  }

  private static JsonArray index() throws Exception {
    return new JsonArray(call("GET", "/v2/repository/index", null, "Bearer " + TOKEN).body());
  }

  private static Optional<JsonObject> indexed(String name) throws Exception {
    return index().stream().map(JsonObject.class::cast)
        .filter(m -> name.equals(m.getString("name"))).findFirst();
  }

  /** A valid entry for the bundled weights; tests change one thing. */
  private static JsonObject entry() {
    return new JsonObject().put("family", "lenet").put("variant", "lenet5-relu")
        .put("weights", "fashion-lenet.safetensors").put("labels", "fashion-mnist.txt");
  }

  private static String error(HttpResponse<String> r) {
    return new JsonObject(r.body()).getString("error");
  }

  private static void assertRefused(HttpResponse<String> r, int status, String... fragments) {
    assertEquals(status, r.statusCode(), r.body());
    for (String f : fragments) {
      assertTrue(error(r).contains(f), "expected '" + f + "' in: " + error(r));
    }
  }

  @Test
  void theControlEntryLoadsSoEveryRefusalBelowIsForItsOwnReason(Vertx vertx) throws Exception {
    try (ServingProbe probe = ServingProbe.start(vertx, gateway.port())) {
      HttpResponse<String> ok = load("control", entry());
      assertEquals(200, ok.statusCode(), ok.body());
      assertEquals("READY", new JsonObject(ok.body()).getString("state"));
      assertEquals(200, unload("control").statusCode());
    }
  }

  @Test
  void theLargestThreadCountAllowedLoadsAndServes(Vertx vertx) throws Exception {
    try (ServingProbe probe = ServingProbe.start(vertx, gateway.port())) {
      HttpResponse<String> ok = load("many-threads", entry().put("intra_op_threads", 256));
      assertEquals(200, ok.statusCode(), ok.body());
      assertEquals(200, unload("many-threads").statusCode());
    }
  }

  @Test
  void numbersOutOfRangeAre400NamingTheFieldAndTheRange(Vertx vertx) throws Exception {
    Map<JsonObject, String> cases = new LinkedHashMap<>();
    cases.put(entry().put("intra_op_threads", 30000),
        "intra_op_threads must be between 0 and 256, got 30000");
    cases.put(entry().put("instances", 1000), "instances must be between 1 and 32, got 1000");
    cases.put(entry().put("devices", new JsonArray(Collections.nCopies(20, "cpu"))),
        "devices (number of entries) must be between 1 and 16, got 20");
    cases.put(entry().put("devices", new JsonArray().add("cuda:99999999999")),
        "'cpu' or 'cuda:N' with N from 0 to 63");
    cases.put(entry().put("intra_op_threads", 256).put("instances", 8),
        "must be at most 1024, got 256 x 8");
    cases.put(entry().put("batching", new JsonObject().put("max_batch_size", 1_000_000)),
        "batching.max_batch_size must be between 1 and 1024, got 1000000");
    cases.put(entry().put("batching", new JsonObject().put("queue_capacity", 0)),
        "batching.queue_capacity must be between 1 and 65536, got 0");
    cases.put(entry().put("batching", new JsonObject().put("max_queue_delay_us", 1L << 40)),
        "batching.max_queue_delay_us must be between 0 and 10000000");
    cases.put(entry().put("batching", new JsonObject().put("max_batch_size", 2.5)),
        "batching.max_batch_size must be an integer between 1 and 1024");
    try (ServingProbe probe = ServingProbe.start(vertx, gateway.port())) {
      for (Map.Entry<JsonObject, String> c : cases.entrySet()) {
        assertRefused(load("bounded", c.getKey()), 400, c.getValue());
      }
      // A big-number literal beyond 64 bits, as JSON text.
      String huge = entry().encode().replace("{", "{\"instances\":123456789012345678901234567890,");
      HttpResponse<String> r =
          call("POST", "/v2/repository/models/bounded/load", huge, "Bearer " + TOKEN);
      assertRefused(r, 400, "instances must be between 1 and 32");
      assertTrue(indexed("bounded").isEmpty(), "nothing was created");
    }
  }

  @Test
  void unknownNamedSettingsAre400EchoingTheValueOnOneShortLine(Vertx vertx) throws Exception {
    String hostile = "bf16\r\nX-Injected: 1\u0000" + "9".repeat(10_000);
    try (ServingProbe probe = ServingProbe.start(vertx, gateway.port())) {
      for (String key : List.of("precision", "preprocessing")) {
        HttpResponse<String> r = load("named", entry().put(key, hostile));
        assertRefused(r, 400, "'" + key + "' must be ",
            ", got 'bf16??X-Injected: 1?" + "9".repeat(20) + "...'");
        assertFalse(error(r).contains("\n") || error(r).contains("\r"), error(r));
        assertTrue(error(r).length() < 300, "the value is shortened: " + error(r).length());
      }
      assertTrue(indexed("named").isEmpty(), "nothing was created");
    }
  }

  @Test
  void filesOutsideTheRepositoryAre403WithoutSayingWhatExists(Vertx vertx) throws Exception {
    List<String> names = List.of("/etc/passwd", "/etc/no-such-file-anywhere", "../outside/secret.txt",
        "sub/../../outside/secret.safetensors", outside.resolve("secret.safetensors").toString(),
        "escape.safetensors", "dangling.safetensors", "..");
    try (ServingProbe probe = ServingProbe.start(vertx, gateway.port())) {
      List<String> messages = new ArrayList<>();
      for (String weights : names) {
        HttpResponse<String> r = load("outside", entry().put("weights", weights));
        assertRefused(r, 403, "'" + weights + "' is not inside the model repository");
        assertFalse(error(r).contains("header length") || error(r).contains("does not exist")
            || error(r).contains("no such file"), error(r));
        messages.add(error(r).replaceFirst(Pattern.quote("'" + weights + "'"), "NAME"));
      }
      assertEquals(1, messages.stream().distinct().count(),
          "every path outside gets the same answer, existing or not: " + messages);
      assertRefused(load("outside", entry().put("labels", "/etc/hostname")), 403,
          "labels '/etc/hostname' is not inside the model repository");
      assertRefused(load("outside", entry().put("weights", "absent.safetensors")), 400,
          "weights 'absent.safetensors': no such file in the model repository");
      assertTrue(indexed("outside").isEmpty(), "nothing was created");
    }
  }

  @Test
  void filesThatCannotBeServedAre422NamingWhatIsWrong(Vertx vertx) throws Exception {
    long textAsLength = ByteBuffer.wrap(TEXT_FILE.getBytes(StandardCharsets.US_ASCII), 0, 8)
        .order(ByteOrder.LITTLE_ENDIAN).getLong();
    Map<JsonObject, List<String>> cases = new LinkedHashMap<>();
    cases.put(entry().put("weights", "notes.safetensors"),
        List.of("not a safetensors file"));
    cases.put(entry().put("weights", "nan.safetensors"),
        List.of("NaN or infinite values", "fc2.bias (1 of 10 values)"));
    cases.put(entry().put("weights", "int32.safetensors"),
        List.of("conv1.bias: the module needs a floating type", "the file has I32"));
    cases.put(entry().put("weights", "sigmoid-lenet.safetensors"),
        List.of("records 'lenet'/'lenet5', not lenet/lenet5-relu"));
    cases.put(entry().put("variant", "lenet5"),
        List.of("records 'lenet'/'lenet5-relu', not lenet/lenet5"));
    cases.put(entry().put("labels", "three-labels.txt"),
        List.of("has 3 labels but variant lenet5-relu has 10 classes"));
    try (ServingProbe probe = ServingProbe.start(vertx, gateway.port())) {
      int i = 0;
      for (Map.Entry<JsonObject, List<String>> c : cases.entrySet()) {
        String name = "bad-" + i++;
        HttpResponse<String> r = load(name, c.getKey());
        assertRefused(r, 422, c.getValue().toArray(String[]::new));
        assertFalse(error(r).contains("root") || error(r).contains(Long.toString(textAsLength))
            || error(r).contains(Long.toUnsignedString(textAsLength)), "quotes no bytes: " + r.body());
        assertEquals("FAILED", indexed(name).orElseThrow().getString("state"));
        assertEquals(200, unload(name).statusCode());
      }
    }
  }

  @Test
  void aFailedModelIsUnloadedAndLeavesTheIndex(Vertx vertx) throws Exception {
    try (ServingProbe probe = ServingProbe.start(vertx, gateway.port())) {
      assertEquals(422, load("broken", entry().put("weights", "nan.safetensors")).statusCode());
      JsonObject listed = indexed("broken").orElseThrow();
      assertEquals("FAILED", listed.getString("state"));
      assertTrue(listed.getString("reason").contains("NaN"), listed.encode());

      HttpResponse<String> unloaded = unload("broken");
      assertEquals(200, unloaded.statusCode(), unloaded.body());
      assertTrue(indexed("broken").isEmpty(), "the index stops listing it: " + index());
      assertEquals(404, unload("broken").statusCode(), "it is gone");
      assertEquals(400, load("x", entry().put("variant", "lenet9")).statusCode(),
          "an unknown variant is the request's fault");
      assertEquals(200, unload("x").statusCode());
    }
  }

  @Test
  void namesOutsideTheSafeSetAre400NamingTheRule(Vertx vertx) throws Exception {
    try (ServingProbe probe = ServingProbe.start(vertx, gateway.port())) {
      for (String path : List.of("evil%0D%0AINFO%20forged", "-dash", "a%2Fb", "x".repeat(129))) {
        assertRefused(call("POST", "/v2/repository/models/" + path + "/load", entry().encode(),
            "Bearer " + TOKEN), 400, "the model name must be " + SafeNames.RULE);
        assertRefused(call("POST", "/v2/repository/models/" + path + "/unload", null,
            "Bearer " + TOKEN), 400, SafeNames.RULE);
      }
      HttpResponse<String> family = load("ok-name", entry().put("family", "lenet\r\nINFO forged"));
      assertRefused(family, 400, "family must be " + SafeNames.RULE);
      assertFalse(error(family).contains("forged"), "the bad value is not echoed");
      assertRefused(load("ok-name", entry().put("variant", "lenet5 relu")), 400,
          "variant must be " + SafeNames.RULE);
      assertRefused(load("ok-name", entry().put("name", "other\nname")), 400,
          "the body's name differs from the model name in the path");
      assertTrue(indexed("ok-name").isEmpty(), "nothing was created");
    }
  }

  @Test
  void theBearerSchemeIsCaseInsensitive(Vertx vertx) throws Exception {
    try (ServingProbe probe = ServingProbe.start(vertx, gateway.port())) {
      for (String header : List.of("bearer " + TOKEN, "BEARER " + TOKEN, "BeArEr   " + TOKEN)) {
        assertEquals(200, call("GET", "/v2/repository/index", null, header).statusCode(), header);
      }
      assertEquals(403, call("GET", "/v2/repository/index", null, "bearer wrong").statusCode());
      for (String header : List.of("Basic " + TOKEN, "Bearer" + TOKEN, "bearer ", TOKEN)) {
        HttpResponse<String> r = call("GET", "/v2/repository/index", null, header);
        assertEquals(401, r.statusCode(), header);
        assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(""));
      }
    }
  }

  @Test
  void multipartUploadsAreRefusedAndNothingIsStored(Vertx vertx) throws Exception {
    String boundary = "----boundary42";
    String body = "--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"weights\"; filename=\"w.safetensors\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n"
        + "x".repeat(10_000) + "\r\n--" + boundary + "--\r\n";
    try (ServingProbe probe = ServingProbe.start(vertx, gateway.port())) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(
              "http://127.0.0.1:" + gateway.port() + "/v2/repository/models/up/load"))
          .header("Authorization", "Bearer " + TOKEN)
          .header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.ofString(body)).build();
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      assertRefused(r, 415, "takes a JSON body", "not multipart");
    }
    assertEquals(uploadsBeforeStart, listing(UPLOADS),
        "no upload folder or file was created, neither at start nor by the upload");
    assertTrue(indexed("up").isEmpty());
  }

  /** The files under a folder, or an empty list when it does not exist. */
  private static List<Path> listing(Path folder) throws Exception {
    if (!Files.exists(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.sorted().toList();
    }
  }
}
