package io.inferencegw.gateway.oip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.e2e.FashionLenetReference;
import io.inferencegw.gateway.e2e.SystemPython;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.registry.ServedModel;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Prerequisites;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent client: Python stubs that grpc_tools.protoc generates, when the test runs,
 * from the repository's own .proto files (and the standard health.proto) call the real gateway
 * over the Open Inference Protocol, Classify and grpc.health.v1. The script
 * (src/test/python/oip_stub_client.py) only reports what it was answered, as JSON; the
 * assertions are here.
 */
@ExtendWith(VertxExtension.class)
class PythonOipStubsEndToEndTest {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path SCRIPT =
      Path.of(System.getProperty("basedir", "."), "src/test/python/oip_stub_client.py")
          .toAbsolutePath();
  /** Debian's grpc-proto; python3-grpcio ships no health stubs, so they are generated too. */
  private static final Path HEALTH_PROTO =
      Path.of("/usr/share/grpc-proto/grpc/health/v1/health.proto");
  private static final String MODEL = "fashion-lenet";
  /** The test images sent, in one batch: FIRST to FIRST + COUNT - 1. */
  private static final int FIRST = 100;
  private static final int COUNT = 8;
  /** The classification extension's N the script asks for (and Classify's top_k). */
  private static final int TOP = 3;

  @TempDir
  static Path dir;

  private static FashionMnist data;
  /** The offline model's class for each image sent. */
  private static int[] reference;
  private static Gateway gateway;
  private static ServedModel model;
  private static JsonObject report;

  @BeforeAll
  static void runTheClient(Vertx vertx) throws Exception {
    SystemPython.requireModule("grpc", "python3-grpcio");
    SystemPython.requireModule("grpc_tools.protoc", "python3-grpc-tools");
    Prerequisites.require(Files.isRegularFile(HEALTH_PROTO), "gRPC's health.proto in "
        + HEALTH_PROTO, "grpc-proto");
    data = FashionLenetReference.requireTestSet();
    reference = FashionLenetReference.predictions(data, FIRST, COUNT);
    Path stubs = generateStubs(Files.createDirectory(dir.resolve("stubs")));
    Path images = writeImages(Files.createDirectory(dir.resolve("images")));
    gateway = Gateway.start(vertx, TestGateways.withModels()).await(60, TimeUnit.SECONDS);
    model = gateway.models().resolve(MODEL, "").orElseThrow();
    String out = SystemPython.run(dir, Map.of("PYTHONPATH", stubs.toString()),
        Duration.ofSeconds(120), List.of(SCRIPT.toString(), "--target",
            "localhost:" + gateway.port(), "--images", images.toString(), "--model", MODEL))
        .stdout();
    report = new JsonObject(out);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  /**
   * Python messages and stubs for the OIP, Classifier and health services. health.proto is
   * compiled from its own folder, into top-level health_pb2 modules: under its path
   * (grpc/health/v1) the generated package would shadow grpcio's own {@code grpc}.
   */
  private static Path generateStubs(Path out) throws Exception {
    SystemPython.run(REPO, Map.of(), Duration.ofSeconds(60), List.of("-m", "grpc_tools.protoc",
        "-I", "proto/src/main/proto", "-I", HEALTH_PROTO.getParent().toString(),
        "--python_out=" + out, "--grpc_python_out=" + out,
        "inference/open_inference.proto", "gateway/v1/classifier.proto",
        HEALTH_PROTO.getFileName().toString()));
    assertTrue(Files.isRegularFile(out.resolve("inference/open_inference_pb2_grpc.py")));
    return out;
  }

  /** The test images as PNGs, and manifest.json listing them with their true labels. */
  private static Path writeImages(Path out) throws Exception {
    JsonArray manifest = new JsonArray();
    for (int i = 0; i < COUNT; i++) {
      String file = (FIRST + i) + ".png";
      Files.write(out.resolve(file), data.png(FIRST + i));
      manifest.add(new JsonObject().put("file", file).put("label", data.label(FIRST + i)));
    }
    Files.writeString(out.resolve("manifest.json"),
        new JsonObject().put("images", manifest).encodePrettily());
    return out;
  }

  // ---- 1. server and model metadata -----------------------------------------------------

  @Test
  void serverAndModelDescribeThemselves() {
    JsonObject server = report.getJsonObject("server");
    assertEquals(true, server.getBoolean("live"), server.encode());
    assertEquals(true, server.getBoolean("ready"), server.encode());
    assertEquals(OipProtocol.SERVER_NAME, server.getString("name"));
    assertEquals(OipProtocol.serverVersion(), server.getString("version"));
    assertEquals(OipProtocol.EXTENSIONS, strings(server.getJsonArray("extensions")));
    assertTrue(server.getJsonArray("extensions").contains("classification"));

    JsonObject m = report.getJsonObject("model");
    assertEquals(true, m.getBoolean("ready"), m.encode());
    assertEquals(MODEL, m.getString("name"));
    assertEquals(List.of(model.version()), strings(m.getJsonArray("versions")));
    assertEquals(OipModels.platform(model), m.getString("platform"));
    assertEquals(describe(ModelSignature.inputs(model.spec())), m.getJsonArray("inputs"));
    assertEquals(describe(ModelSignature.outputs(model.spec())), m.getJsonArray("outputs"));
    // What the script sends and asks for is among them, as the client saw it.
    assertEquals(new JsonObject().put("name", "image").put("datatype", "BYTES")
        .put("shape", new JsonArray().add(-1)), m.getJsonArray("inputs").getJsonObject(0));
    assertEquals(new JsonObject().put("name", "logits").put("datatype", "FP32")
        .put("shape", new JsonArray().add(-1).add(10)), m.getJsonArray("outputs").getJsonObject(0));
  }

  private static JsonArray describe(List<ModelSignature.TensorSpec> tensors) {
    JsonArray out = new JsonArray();
    for (ModelSignature.TensorSpec t : tensors) {
      JsonArray shape = new JsonArray();
      Arrays.stream(t.shape()).forEach(shape::add);
      out.add(new JsonObject().put("name", t.name()).put("datatype", t.datatype())
          .put("shape", shape));
    }
    return out;
  }

  // ---- 2. a batch over OIP equals Classify, image by image ------------------------------

  @Test
  void aBatchOfPngsOverOipEqualsClassifyImageByImage() {
    JsonObject infer = report.getJsonObject("infer");
    assertEquals("py-batch", infer.getString("id"));
    assertEquals(MODEL, infer.getString("model_name"));
    assertEquals(model.version(), infer.getString("model_version"));
    JsonArray outputs = infer.getJsonArray("outputs");
    assertEquals(2, outputs.size(), infer.encode());
    assertEquals(2, infer.getInteger("raw_output_contents"), "one raw content per output");
    JsonObject top = outputs.getJsonObject(0);
    assertEquals("probabilities", top.getString("name"));
    assertEquals("BYTES", top.getString("datatype"));
    assertEquals(List.of(COUNT, TOP), ints(top.getJsonArray("shape")));
    assertEquals(COUNT * TOP, top.getJsonArray("values").size());
    JsonObject logits = outputs.getJsonObject(1);
    assertEquals("logits", logits.getString("name"));
    assertEquals("FP32", logits.getString("datatype"));
    int classes = model.spec().numClasses();
    assertEquals(List.of(COUNT, classes), ints(logits.getJsonArray("shape")));
    assertEquals(COUNT * classes, logits.getJsonArray("values").size());

    JsonArray classify = report.getJsonArray("classify");
    assertEquals(COUNT, classify.size());
    int oipCorrect = 0;
    int classifyCorrect = 0;
    for (int i = 0; i < COUNT; i++) {
      int image = FIRST + i;
      JsonObject c = classify.getJsonObject(i);
      assertEquals(MODEL, c.getString("model"));
      assertEquals(model.version(), c.getString("version"));
      assertEquals("py-" + i, c.getString("request_id"));
      double[] viaOip = doubles(logits.getJsonArray("values"), i * classes, classes);
      double[] viaClassify = doubles(c.getJsonArray("logits"), 0, classes);
      assertEquals(classes, c.getJsonArray("logits").size(), "image " + image);
      for (int k = 0; k < classes; k++) {
        assertEquals(viaClassify[k], viaOip[k], 1e-5, "image " + image + " logit " + k);
      }
      // The classification extension's top N are Classify's predictions.
      JsonArray predictions = c.getJsonArray("predictions");
      assertEquals(TOP, predictions.size());
      for (int k = 0; k < TOP; k++) {
        String element = top.getJsonArray("values").getString(i * TOP + k);
        String[] fields = element.split(":", 3);
        assertEquals(3, fields.length, "not score:index:label: " + element);
        JsonObject p = predictions.getJsonObject(k);
        String what = "image " + image + " rank " + k + ": " + element;
        assertEquals(p.getInteger("index").intValue(), Integer.parseInt(fields[1]), what);
        assertEquals(p.getString("label"), fields[2], what);
        assertEquals(model.label(p.getInteger("index")), fields[2], what);
        assertEquals(p.getDouble("score"), Double.parseDouble(fields[0]), 1e-5, what);
      }
      int oipTop1 = Integer.parseInt(top.getJsonArray("values").getString(i * TOP).split(":")[1]);
      int classifyTop1 = predictions.getJsonObject(0).getInteger("index");
      assertEquals(argmax(viaOip), oipTop1, "image " + image + ": top class against the logits");
      assertEquals(classifyTop1, oipTop1, "image " + image);
      assertEquals(reference[i], oipTop1, "image " + image + ": the offline model's class");
      oipCorrect += oipTop1 == data.label(image) ? 1 : 0;
      classifyCorrect += classifyTop1 == data.label(image) ? 1 : 0;
    }
    assertEquals(classifyCorrect, oipCorrect, "top-1 correct, Classify against OIP");
    JsonObject accuracy = report.getJsonObject("accuracy");
    assertEquals(COUNT, accuracy.getInteger("images"));
    assertEquals(oipCorrect, accuracy.getInteger("oip_correct"), accuracy.encode());
    assertEquals(classifyCorrect, accuracy.getInteger("classify_correct"), accuracy.encode());
    assertTrue(oipCorrect >= COUNT - 2, "top-1 correct: " + oipCorrect + " of " + COUNT);
  }

  // ---- 3. errors -----------------------------------------------------------------------

  @Test
  void errorsCarryTheirStatusAndMessageAndTheGatewayServesOn() {
    JsonObject errors = report.getJsonObject("errors");
    JsonObject unknown = errors.getJsonObject("unknown_model");
    assertEquals("NOT_FOUND", unknown.getString("code"), unknown.encode());
    assertTrue(unknown.getString("details").contains("no-such-model"), unknown.encode());
    JsonObject notAnImage = errors.getJsonObject("not_an_image");
    assertEquals("INVALID_ARGUMENT", notAnImage.getString("code"), notAnImage.encode());
    assertTrue(notAnImage.getString("details").startsWith("input 'image' element 1: "),
        notAnImage.encode());
    JsonObject wrongShape = errors.getJsonObject("wrong_shape");
    assertEquals("INVALID_ARGUMENT", wrongShape.getString("code"), wrongShape.encode());
    assertTrue(wrongShape.getString("details").contains("shape [2, 2], expected [batch] or"
        + " [batch, 1]"), wrongShape.encode());

    JsonObject after = report.getJsonObject("after_errors");
    assertEquals("py-after", after.getString("id"));
    JsonObject logits = after.getJsonArray("outputs").getJsonObject(1);
    assertEquals("logits", logits.getString("name"));
    int classes = model.spec().numClasses();
    double[] again = doubles(logits.getJsonArray("values"), 0, classes);
    double[] before = doubles(report.getJsonObject("infer").getJsonArray("outputs")
        .getJsonObject(1).getJsonArray("values"), 0, classes);
    for (int k = 0; k < classes; k++) {
      assertEquals(before[k], again[k], 1e-5, "image " + FIRST + " logit " + k + ", again");
    }
    assertEquals(reference[0], argmax(again));
  }

  // ---- 4. health -----------------------------------------------------------------------

  @Test
  void healthIsServingForTheServerAndEachOfItsServices() {
    JsonObject health = report.getJsonObject("health");
    assertEquals("SERVING", health.getString(""), health.encode());
    assertEquals("SERVING", health.getString("inference.GRPCInferenceService"), health.encode());
    assertEquals("SERVING", health.getString("gateway.v1.Classifier"), health.encode());
    assertEquals("NOT_FOUND", health.getString("no.such.Service"), health.encode());
  }

  // ---- JSON ----------------------------------------------------------------------------

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    a.forEach(v -> out.add((String) v));
    return out;
  }

  private static List<Integer> ints(JsonArray a) {
    List<Integer> out = new ArrayList<>();
    a.forEach(v -> out.add(((Number) v).intValue()));
    return out;
  }

  private static double[] doubles(JsonArray a, int offset, int count) {
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = a.getDouble(offset + i);
    }
    return out;
  }

  private static int argmax(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      best = values[i] > values[best] ? i : best;
    }
    return best;
  }
}
