package io.inferencegw.gateway.oip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.batching.ModelQueue;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.client.OipClient;
import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.e2e.FashionLenetReference;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.proto.oip.GRPCInferenceServiceGrpcClient;
import io.inferencegw.proto.oip.InferParameter;
import io.inferencegw.proto.oip.InferTensorContents;
import io.inferencegw.proto.oip.ModelInferRequest;
import io.inferencegw.proto.oip.ModelInferResponse;
import io.inferencegw.proto.oip.ModelMetadataRequest;
import io.inferencegw.proto.oip.ModelMetadataResponse;
import io.inferencegw.proto.oip.ModelReadyRequest;
import io.inferencegw.proto.oip.ServerLiveRequest;
import io.inferencegw.proto.oip.ServerMetadataRequest;
import io.inferencegw.proto.oip.ServerMetadataResponse;
import io.inferencegw.proto.oip.ServerReadyRequest;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.inferencegw.proto.v1.RawImage;
import io.inferencegw.proto.v1.Tensor;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.junit5.VertxExtension;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Open Inference Protocol through the real gateway, over gRPC and REST: its answers equal
 * Classify's for every input form, its errors follow the error table, and hostile bodies get
 * 400 while other clients are served.
 */
@ExtendWith(VertxExtension.class)
class OipEndToEndTest {

  private static final String MODEL = "fashion-lenet";
  /** Holds requests for a second unless 64 arrive: lets tests fill its queue of 4. */
  private static final String SLOW = "slow-lenet";
  private static final int SLOW_CAPACITY = 4;
  /** Like SLOW; one test unloads it while a request waits, to see UNAVAILABLE answers. */
  private static final String RETIRING = "retiring-lenet";

  private static Gateway gateway;
  private static GatewayClient classify;
  private static OipClient oip;
  /**
   * The JDK's client, HTTP/1.1: an independent REST client. (With Vert.x 5.0.7's HTTP client,
   * used here before, one of a few hundred quick POSTs of about 2 KB on a kept-alive connection
   * now and then got no answer, although the gateway had counted it; the JDK's client did not
   * miss one in the same loops. Not understood yet.)
   */
  private static java.net.http.HttpClient http;
  private static FashionMnist data;
  private static int[] reference;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    data = FashionLenetReference.requireTestSet();
    reference = FashionLenetReference.predictions(data);
    gateway = Gateway.start(vertx, TestGateways.withModels(
            TestGateways.lenetAs(SLOW, new BatchingConfig(64, 1_000_000, SLOW_CAPACITY)),
            TestGateways.lenetAs(RETIRING, new BatchingConfig(64, 1_000_000, SLOW_CAPACITY))))
        .await(60, TimeUnit.SECONDS);
    classify = new GatewayClient(vertx, "localhost", gateway.port());
    oip = new OipClient(vertx, "localhost", gateway.port());
    http = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      classify.close();
      oip.close();
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  // ---- clients -------------------------------------------------------------------------

  private static ModelInferResponse infer(ModelInferRequest request) throws Exception {
    return oip.call(GRPCInferenceServiceGrpcClient.ModelInfer, request, 0)
        .await(30, TimeUnit.SECONDS);
  }

  private static GatewayClient.CallFailed inferFails(ModelInferRequest request) throws Exception {
    return failure(oip.call(GRPCInferenceServiceGrpcClient.ModelInfer, request, 0));
  }

  private static GatewayClient.CallFailed failure(Future<?> call) throws Exception {
    try {
      call.await(30, TimeUnit.SECONDS);
    } catch (GatewayClient.CallFailed e) {
      return e;
    }
    throw new AssertionError("the call succeeded, an error was expected");
  }

  record Reply(int status, MultiMap headers, Buffer body) {
    JsonObject json() {
      return body.toJsonObject();
    }
  }

  private static Reply rest(HttpMethod method, String path, Buffer body, String headerLength)
      throws Exception {
    java.net.http.HttpRequest.Builder req = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://localhost:" + gateway.port() + path))
        .timeout(java.time.Duration.ofSeconds(30))
        .method(method.name(), body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.getBytes()));
    if (headerLength != null) {
      req.header("Inference-Header-Content-Length", headerLength);
    }
    java.net.http.HttpResponse<byte[]> resp =
        http.send(req.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    resp.headers().map().forEach(headers::add);
    return new Reply(resp.statusCode(), headers, Buffer.buffer(resp.body()));
  }

  private static Reply post(String path, JsonObject body) throws Exception {
    return rest(HttpMethod.POST, path, body.toBuffer(), null);
  }

  private static float[] classifyLogits(ClassifyRequest.Builder request) throws Exception {
    ClassifyResponse r = classify.classify(request.setModel(MODEL).setReturnLogits(true).build())
        .await(30, TimeUnit.SECONDS);
    float[] out = new float[r.getLogitsCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = r.getLogits(i);
    }
    return out;
  }

  private static float[] pngLogits(int image) throws Exception {
    return classifyLogits(ClassifyRequest.newBuilder().setImage(ByteString.copyFrom(data.png(image))));
  }

  /** Image {@code i} preprocessed as the model's preprocessing does: (x / 255 - mean) / std. */
  private static float[] preprocessed(int image) {
    var spec = gateway.models().resolve(MODEL, "").orElseThrow().spec().preprocess();
    byte[] pixels = data.image(image);
    float[] out = new float[pixels.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((pixels[i] & 0xff) / 255f - spec.mean()[0]) / spec.std()[0];
    }
    return out;
  }

  private static byte[] littleEndian(float[]... samples) {
    ByteBuffer b = ByteBuffer.allocate(samples.length * samples[0].length * 4)
        .order(ByteOrder.LITTLE_ENDIAN);
    for (float[] s : samples) {
      for (float v : s) {
        b.putFloat(v);
      }
    }
    return b.array();
  }

  private static float[] floats(ByteString raw) {
    return floats(raw.toByteArray());
  }

  private static float[] floats(byte[] raw) {
    float[] out = new float[raw.length / 4];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /** Length-prefixed BYTES elements, the raw form of a BYTES tensor. */
  private static byte[] bytesElements(byte[]... elements) {
    int size = 0;
    for (byte[] e : elements) {
      size += 4 + e.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    for (byte[] e : elements) {
      b.putInt(e.length).put(e);
    }
    return b.array();
  }

  private static ModelInferRequest.Builder pngBatch(String model, int first, int count) {
    byte[][] pngs = new byte[count][];
    for (int i = 0; i < count; i++) {
      pngs[i] = data.png(first + i);
    }
    return ModelInferRequest.newBuilder().setModelName(model)
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("image")
            .setDatatype("BYTES").addShape(count))
        .addRawInputContents(ByteString.copyFrom(bytesElements(pngs)));
  }

  private static ModelInferRequest.InferRequestedOutputTensor output(String name, int top) {
    ModelInferRequest.InferRequestedOutputTensor.Builder o =
        ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName(name);
    if (top > 0) {
      o.putParameters("classification", InferParameter.newBuilder().setInt64Param(top).build());
    }
    return o.build();
  }

  private static void assertLogits(float[] expected, float[] actual, int offset, String what) {
    for (int c = 0; c < expected.length; c++) {
      assertEquals(expected[c], actual[offset + c], 1e-5, what + " class " + c);
    }
  }

  // ---- gRPC ----------------------------------------------------------------------------

  @Test
  void grpcBatchOfPngsEqualsClassifyWithLogitsProbabilitiesIdAndVersion() throws Exception {
    ModelInferResponse r = infer(pngBatch(MODEL, 30, 3).setId("req-7").build());
    assertEquals("req-7", r.getId());
    assertEquals(MODEL, r.getModelName());
    assertEquals(gateway.models().resolve(MODEL, "").orElseThrow().version(), r.getModelVersion());
    assertEquals("logits", r.getOutputs(0).getName());
    assertEquals(List.of(3L, 10L), r.getOutputs(0).getShapeList());
    assertEquals("FP32", r.getOutputs(1).getDatatype());
    float[] logits = floats(r.getRawOutputContents(0));
    float[] probabilities = floats(r.getRawOutputContents(1));
    for (int i = 0; i < 3; i++) {
      float[] expected = pngLogits(30 + i);
      assertLogits(expected, logits, i * 10, "image " + (30 + i));
      float sum = 0;
      int best = 0;
      for (int c = 0; c < 10; c++) {
        sum += probabilities[i * 10 + c];
        best = probabilities[i * 10 + c] > probabilities[i * 10 + best] ? c : best;
      }
      assertEquals(1.0, sum, 1e-5);
      assertEquals(reference[30 + i], best, "image " + (30 + i));
    }
  }

  @Test
  void grpcContentsRawPixelsAndTensorsEqualClassify() throws Exception {
    float[] png = pngLogits(40);
    ModelInferResponse fromContents = infer(ModelInferRequest.newBuilder().setModelName(MODEL)
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("image")
            .setDatatype("BYTES").addShape(1).addShape(1)
            .setContents(InferTensorContents.newBuilder()
                .addBytesContents(ByteString.copyFrom(data.png(40)))))
        .addOutputs(output("logits", 0)).build());
    assertLogits(png, floats(fromContents.getRawOutputContents(0)), 0, "BYTES contents");

    float[] raw = classifyLogits(ClassifyRequest.newBuilder().setRaw(RawImage.newBuilder()
        .setWidth(28).setHeight(28).setChannels(1).setPixels(ByteString.copyFrom(data.image(41)))));
    byte[] twoImages = new byte[2 * 784];
    System.arraycopy(data.image(41), 0, twoImages, 0, 784);
    System.arraycopy(data.image(42), 0, twoImages, 784, 784);
    ModelInferResponse fromPixels = infer(ModelInferRequest.newBuilder().setModelName(MODEL)
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("pixels")
            .setDatatype("UINT8").addShape(2).addShape(28).addShape(28).addShape(1))
        .addRawInputContents(ByteString.copyFrom(twoImages))
        .addOutputs(output("logits", 0)).build());
    float[] pixelLogits = floats(fromPixels.getRawOutputContents(0));
    assertLogits(raw, pixelLogits, 0, "UINT8 raw");
    assertLogits(pngLogits(42), pixelLogits, 10, "UINT8 raw, second sample");

    float[] tensor = preprocessed(43);
    float[] viaClassify = classifyLogits(ClassifyRequest.newBuilder().setTensor(Tensor.newBuilder()
        .addShape(1).addShape(28).addShape(28).setData(ByteString.copyFrom(littleEndian(tensor)))));
    ModelInferRequest.InferInputTensor.Builder fp32 = ModelInferRequest.InferInputTensor
        .newBuilder().setName("tensor").setDatatype("FP32").addShape(1).addShape(1).addShape(28)
        .addShape(28);
    ModelInferResponse fromRawTensor = infer(ModelInferRequest.newBuilder().setModelName(MODEL)
        .addInputs(fp32).addRawInputContents(ByteString.copyFrom(littleEndian(tensor)))
        .addOutputs(output("logits", 0)).build());
    assertLogits(viaClassify, floats(fromRawTensor.getRawOutputContents(0)), 0, "FP32 raw");
    InferTensorContents.Builder values = InferTensorContents.newBuilder();
    for (float v : tensor) {
      values.addFp32Contents(v);
    }
    ModelInferResponse fromFp32Contents = infer(ModelInferRequest.newBuilder().setModelName(MODEL)
        .addInputs(fp32.clone().setContents(values)).addOutputs(output("logits", 0)).build());
    assertLogits(viaClassify, floats(fromFp32Contents.getRawOutputContents(0)), 0,
        "FP32 contents");
  }

  @Test
  void classificationExtensionOverAThousandImagesMatchesClassifyAndTheOfflineModel()
      throws Exception {
    int batch = 8;
    List<Future<ModelInferResponse>> oipCalls = new ArrayList<>();
    List<Future<ClassifyResponse>> classifyCalls = new ArrayList<>();
    for (int first = 0; first < 1000; first += batch) {
      oipCalls.add(oip.call(GRPCInferenceServiceGrpcClient.ModelInfer,
          pngBatch(MODEL, first, batch).addOutputs(output("probabilities", 3)).build(), 0));
    }
    for (int i = 0; i < 1000; i++) {
      classifyCalls.add(classify.classify(ClassifyRequest.newBuilder().setModel(MODEL)
          .setImage(ByteString.copyFrom(data.png(i))).build()));
    }
    int oipCorrect = 0;
    int classifyCorrect = 0;
    for (int call = 0; call < oipCalls.size(); call++) {
      ModelInferResponse r = oipCalls.get(call).await(60, TimeUnit.SECONDS);
      assertEquals("BYTES", r.getOutputs(0).getDatatype());
      assertEquals(List.of((long) batch, 3L), r.getOutputs(0).getShapeList());
      ByteBuffer raw = r.getRawOutputContents(0).asReadOnlyByteBuffer()
          .order(ByteOrder.LITTLE_ENDIAN);
      for (int s = 0; s < batch; s++) {
        int image = call * batch + s;
        ClassifyResponse c = classifyCalls.get(image).await(60, TimeUnit.SECONDS);
        for (int k = 0; k < 3; k++) {
          byte[] element = new byte[raw.getInt()];
          raw.get(element);
          String[] fields = new String(element, StandardCharsets.UTF_8).split(":", 3);
          // A plain decimal, as clients parse it: never an exponent (Java would print scores
          // below 1e-3, which the top 3 of many images have, as 3.0E-4).
          assertTrue(fields[0].matches("-?\\d+\\.\\d+"), fields[0]);
          assertEquals(c.getPredictions(k).getIndex(), Integer.parseInt(fields[1]),
              "image " + image + " rank " + k);
          assertEquals(c.getPredictions(k).getLabel(), fields[2]);
          assertEquals(c.getPredictions(k).getScore(), Float.parseFloat(fields[0]), 1e-5);
          if (k == 0) {
            assertEquals(reference[image], Integer.parseInt(fields[1]), "image " + image);
            oipCorrect += Integer.parseInt(fields[1]) == data.label(image) ? 1 : 0;
            classifyCorrect += c.getPredictions(0).getIndex() == data.label(image) ? 1 : 0;
          }
        }
      }
    }
    assertEquals(classifyCorrect, oipCorrect);
    assertTrue(oipCorrect >= 850, "accuracy on 1000 images: " + oipCorrect);
  }

  @Test
  void grpcHealthAndMetadata() throws Exception {
    assertTrue(oip.call(GRPCInferenceServiceGrpcClient.ServerLive,
        ServerLiveRequest.getDefaultInstance(), 0).await(30, TimeUnit.SECONDS).getLive());
    assertTrue(oip.call(GRPCInferenceServiceGrpcClient.ServerReady,
        ServerReadyRequest.getDefaultInstance(), 0).await(30, TimeUnit.SECONDS).getReady());
    ServerMetadataResponse server = oip.call(GRPCInferenceServiceGrpcClient.ServerMetadata,
        ServerMetadataRequest.getDefaultInstance(), 0).await(30, TimeUnit.SECONDS);
    assertEquals(List.of("binary_tensor_data", "classification", "model_repository",
        "model_repository(unload_dependents)"),
        server.getExtensionsList());
    assertTrue(oip.call(GRPCInferenceServiceGrpcClient.ModelReady,
        ModelReadyRequest.newBuilder().setName(MODEL).build(), 0)
        .await(30, TimeUnit.SECONDS).getReady());
    ModelMetadataResponse m = oip.call(GRPCInferenceServiceGrpcClient.ModelMetadata,
        ModelMetadataRequest.newBuilder().setName(MODEL).build(), 0).await(30, TimeUnit.SECONDS);
    assertEquals(List.of("image", "pixels", "tensor"),
        m.getInputsList().stream().map(ModelMetadataResponse.TensorMetadata::getName).toList());
    assertEquals(List.of(-1L, 1L, 28L, 28L), m.getInputs(2).getShapeList());
    assertEquals(List.of(-1L, 10L), m.getOutputs(0).getShapeList());
    String version = m.getVersions(0);
    // The version that metadata names routes; another is NOT_FOUND.
    infer(pngBatch(MODEL, 0, 1).setModelVersion(version).build());
    assertEquals(GrpcStatus.NOT_FOUND, inferFails(pngBatch(MODEL, 0, 1)
        .setModelVersion("999").build()).status());
    assertEquals(GrpcStatus.NOT_FOUND, failure(oip.call(GRPCInferenceServiceGrpcClient
        .ModelMetadata, ModelMetadataRequest.newBuilder().setName("nope").build(), 0)).status());
  }

  @Test
  void grpcErrorsNameTheProblemAndTheElement() throws Exception {
    assertEquals(GrpcStatus.NOT_FOUND, inferFails(pngBatch("nope", 0, 1).build()).status());
    byte[] png = data.png(0);
    GatewayClient.CallFailed badPng = inferFails(ModelInferRequest.newBuilder().setModelName(MODEL)
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("image")
            .setDatatype("BYTES").addShape(3))
        .addRawInputContents(ByteString.copyFrom(bytesElements(png, png,
            java.util.Arrays.copyOf(png, png.length / 2)))).build());
    assertEquals(GrpcStatus.INVALID_ARGUMENT, badPng.status());
    assertTrue(badPng.getMessage().contains("input 'image' element 2: "), badPng.getMessage());
    GatewayClient.CallFailed empty = inferFails(ModelInferRequest.newBuilder().setModelName(MODEL)
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("image")
            .setDatatype("BYTES").addShape(2))
        .addRawInputContents(ByteString.copyFrom(bytesElements(png, new byte[0]))).build());
    assertTrue(empty.getMessage().contains("input 'image' element 1: image is empty"),
        empty.getMessage());
    float[] nan = preprocessed(1);
    nan[5] = Float.NaN;
    GatewayClient.CallFailed notFinite = inferFails(ModelInferRequest.newBuilder()
        .setModelName(MODEL).addInputs(ModelInferRequest.InferInputTensor.newBuilder()
            .setName("tensor").setDatatype("FP32").addShape(2).addShape(1).addShape(28)
            .addShape(28))
        .addRawInputContents(ByteString.copyFrom(littleEndian(preprocessed(0), nan))).build());
    assertEquals(GrpcStatus.INVALID_ARGUMENT, notFinite.status());
    assertTrue(notFinite.getMessage().contains("input 'tensor' element 1: tensor contains NaN"),
        notFinite.getMessage());
    GatewayClient.CallFailed lying = inferFails(ModelInferRequest.newBuilder().setModelName(MODEL)
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("image")
            .setDatatype("BYTES").addShape(1))
        .addRawInputContents(ByteString.copyFrom(ByteBuffer.allocate(8)
            .order(ByteOrder.LITTLE_ENDIAN).putInt(-2).putInt(0).array())).build());
    assertTrue(lying.getMessage().contains("length 4294967294 runs past the end"),
        lying.getMessage());
    GatewayClient.CallFailed wrongType = inferFails(ModelInferRequest.newBuilder()
        .setModelName(MODEL).addInputs(ModelInferRequest.InferInputTensor.newBuilder()
            .setName("image").setDatatype("FP32").addShape(1)
            .setContents(InferTensorContents.newBuilder().addFp32Contents(1))).build());
    assertTrue(wrongType.getMessage().contains("datatype is FP32, expected BYTES"),
        wrongType.getMessage());
    assertEquals(GrpcStatus.INVALID_ARGUMENT, inferFails(pngBatch(MODEL, 0, 1)
        .addOutputs(output("nope", 0)).build()).status());
    assertEquals(GrpcStatus.INVALID_ARGUMENT, inferFails(pngBatch(SLOW, 0, SLOW_CAPACITY + 1)
        .build()).status());
    assertEquals(reference[9], pngArgmax(9), "the gateway still serves");
  }

  private static int pngArgmax(int image) throws Exception {
    float[] logits = floats(infer(pngBatch(MODEL, image, 1).addOutputs(output("logits", 0))
        .build()).getRawOutputContents(0));
    int best = 0;
    for (int c = 1; c < logits.length; c++) {
      best = logits[c] > logits[best] ? c : best;
    }
    return best;
  }

  @Test
  void aFullQueueRefusesTheWholeBatchAndWithdrawsItsAdmittedSamples() throws Exception {
    var slow = gateway.models().resolve(SLOW, "").orElseThrow().queue();
    List<Future<ClassifyResponse>> queued = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      queued.add(classify.classify(ClassifyRequest.newBuilder().setModel(SLOW)
          .setImage(ByteString.copyFrom(data.png(50 + i))).build()));
    }
    awaitQueueSize(slow, 2);
    // Two of the three samples fit: the third is refused, the two are withdrawn.
    GatewayClient.CallFailed full = inferFails(pngBatch(SLOW, 60, 3).build());
    assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, full.status());
    assertEquals(2, slow.size(), "the admitted samples of the refused request left the queue");
    queued.add(classify.classify(ClassifyRequest.newBuilder().setModel(SLOW)
        .setImage(ByteString.copyFrom(data.png(52))).build()));
    queued.add(classify.classify(ClassifyRequest.newBuilder().setModel(SLOW)
        .setImage(ByteString.copyFrom(data.png(53))).build()));
    awaitQueueSize(slow, SLOW_CAPACITY);
    Reply rest = post("/v2/models/" + SLOW + "/infer", jsonPng(54));
    assertEquals(429, rest.status(), rest.body().toString());
    assertTrue(rest.json().getString("error").contains("queue"), rest.body().toString());
    for (int i = 0; i < queued.size(); i++) {
      assertEquals(reference[50 + i],
          queued.get(i).await(30, TimeUnit.SECONDS).getPredictions(0).getIndex());
    }
  }

  /**
   * A deadline passes while the samples wait: DEADLINE_EXCEEDED over gRPC (from grpc-timeout or
   * from Triton's {@code timeout} parameter, in microseconds) and 504 over REST; a malformed
   * timeout is INVALID_ARGUMENT / 400.
   */
  @Test
  void aDeadlineThatPassesInTheQueueIsDeadlineExceededOnBothTransports() throws Exception {
    GatewayClient.CallFailed byHeader = failure(oip.call(GRPCInferenceServiceGrpcClient.ModelInfer,
        pngBatch(SLOW, 90, 2).build(), 100));
    assertEquals(GrpcStatus.DEADLINE_EXCEEDED, byHeader.status(), byHeader.getMessage());
    GatewayClient.CallFailed byParameter = inferFails(pngBatch(SLOW, 90, 2)
        .putParameters("timeout", InferParameter.newBuilder().setInt64Param(50_000).build())
        .build());
    assertEquals(GrpcStatus.DEADLINE_EXCEEDED, byParameter.status());
    assertTrue(byParameter.getMessage().contains("deadline of 50000 µs"),
        byParameter.getMessage());
    Reply rest = post("/v2/models/" + SLOW + "/infer",
        jsonPng(91).put("parameters", new JsonObject().put("timeout", 50_000)));
    assertEquals(504, rest.status(), rest.body().toString());
    assertTrue(rest.json().getString("error").contains("deadline"), rest.body().toString());
    Reply badTimeout = post("/v2/models/" + MODEL + "/infer",
        jsonPng(91).put("parameters", new JsonObject().put("timeout", -1)));
    assertEquals(400, badTimeout.status(), badTimeout.body().toString());
    assertEquals(0, gateway.models().resolve(SLOW, "").orElseThrow().queue().size(),
        "expired samples left the queue");
  }

  /** A model draining after an unload is UNAVAILABLE over gRPC and 503 over REST. */
  @Test
  void aDrainingModelIsUnavailableOnBothTransports() throws Exception {
    var retiring = gateway.models().resolve(RETIRING, "").orElseThrow();
    Future<ClassifyResponse> waiting = classify.classify(ClassifyRequest.newBuilder()
        .setModel(RETIRING).setImage(ByteString.copyFrom(data.png(95))).build());
    awaitQueueSize(retiring.queue(), 1);
    // The drain waits for the queued request, which the model holds for a second.
    Future<Void> unload = gateway.models().lifecycle()
        .change(() -> gateway.models().unload(RETIRING));
    GatewayClient.CallFailed grpc = inferFails(pngBatch(RETIRING, 96, 1).build());
    assertEquals(GrpcStatus.UNAVAILABLE, grpc.status(), grpc.getMessage());
    Reply rest = post("/v2/models/" + RETIRING + "/infer", jsonPng(96));
    assertEquals(503, rest.status(), rest.body().toString());
    assertEquals(reference[95], waiting.await(30, TimeUnit.SECONDS).getPredictions(0).getIndex(),
        "the request queued before the unload is answered");
    unload.await(30, TimeUnit.SECONDS);
    assertEquals(404, post("/v2/models/" + RETIRING + "/infer", jsonPng(96)).status());
  }

  private static void awaitQueueSize(ModelQueue queue, int size) {
    Await.value(size + " requests queued", queue::size, queued -> queued >= size);
    assertEquals(size, queue.size(), "requests queued");
  }

  // ---- REST ----------------------------------------------------------------------------

  private static JsonObject jsonPng(int image) {
    return new JsonObject().put("id", "j-" + image).put("inputs", new JsonArray().add(
        new JsonObject().put("name", "image").put("datatype", "BYTES")
            .put("shape", new JsonArray().add(1))
            .put("data", new JsonArray().add(Base64.getEncoder().encodeToString(data.png(image))))));
  }

  private static float[] jsonFloats(JsonObject output) {
    JsonArray values = output.getJsonArray("data");
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.getNumber(i).floatValue();
    }
    return out;
  }

  @Test
  void restJsonAnswersEqualClassify() throws Exception {
    Reply png = post("/v2/models/" + MODEL + "/infer", jsonPng(70));
    assertEquals(200, png.status(), png.body().toString());
    JsonObject body = png.json();
    assertEquals("j-70", body.getString("id"));
    assertEquals("logits", body.getJsonArray("outputs").getJsonObject(0).getString("name"));
    assertLogits(pngLogits(70), jsonFloats(body.getJsonArray("outputs").getJsonObject(0)), 0,
        "JSON BYTES");

    JsonArray nested = new JsonArray();
    float[] tensor = preprocessed(71);
    for (int y = 0; y < 28; y++) {
      JsonArray row = new JsonArray();
      for (int x = 0; x < 28; x++) {
        row.add(tensor[y * 28 + x]);
      }
      nested.add(row);
    }
    String version = gateway.models().resolve(MODEL, "").orElseThrow().version();
    Reply fp32 = post("/v2/models/" + MODEL + "/versions/" + version + "/infer", new JsonObject()
        .put("inputs", new JsonArray().add(new JsonObject().put("name", "tensor")
            .put("datatype", "FP32").put("shape", new JsonArray().add(1).add(1).add(28).add(28))
            .put("data", new JsonArray().add(new JsonArray().add(nested)))))
        .put("outputs", new JsonArray().add(new JsonObject().put("name", "logits"))));
    assertEquals(200, fp32.status(), fp32.body().toString());
    float[] viaClassify = classifyLogits(ClassifyRequest.newBuilder().setTensor(Tensor.newBuilder()
        .addShape(1).addShape(28).addShape(28).setData(ByteString.copyFrom(littleEndian(tensor)))));
    assertLogits(viaClassify,
        jsonFloats(fp32.json().getJsonArray("outputs").getJsonObject(0)), 0, "JSON FP32");

    Reply top = post("/v2/models/" + MODEL + "/infer", jsonPng(72).put("outputs", new JsonArray()
        .add(new JsonObject().put("name", "probabilities")
            .put("parameters", new JsonObject().put("classification", 2)))));
    JsonObject classes = top.json().getJsonArray("outputs").getJsonObject(0);
    assertEquals("BYTES", classes.getString("datatype"));
    assertEquals(reference[72],
        Integer.parseInt(classes.getJsonArray("data").getString(0).split(":")[1]));
  }

  @Test
  void restBinaryExtensionEqualsClassify() throws Exception {
    byte[] pngs = bytesElements(data.png(80), data.png(81));
    byte[] pixels = data.image(82);
    JsonObject header = new JsonObject()
        .put("inputs", new JsonArray().add(new JsonObject().put("name", "image")
            .put("datatype", "BYTES").put("shape", new JsonArray().add(2).add(1))
            .put("parameters", new JsonObject().put("binary_data_size", pngs.length))))
        .put("parameters", new JsonObject().put("binary_data_output", true));
    Buffer json = header.toBuffer();
    Reply r = rest(HttpMethod.POST, "/v2/models/" + MODEL + "/infer",
        json.copy().appendBytes(pngs), Integer.toString(json.length()));
    assertEquals(200, r.status(), r.body().toString());
    int headerLength = Integer.parseInt(r.headers().get("Inference-Header-Content-Length"));
    JsonObject answer = new JsonObject(r.body().slice(0, headerLength));
    JsonObject logits = answer.getJsonArray("outputs").getJsonObject(0);
    assertEquals(80, logits.getJsonObject("parameters").getInteger("binary_data_size"));
    float[] values = floats(r.body().getBytes(headerLength, headerLength + 80));
    assertLogits(pngLogits(80), values, 0, "binary BYTES");
    assertLogits(pngLogits(81), values, 10, "binary BYTES, second sample");

    JsonObject pixelHeader = new JsonObject().put("inputs", new JsonArray().add(new JsonObject()
        .put("name", "pixels").put("datatype", "UINT8")
        .put("shape", new JsonArray().add(1).add(28).add(28).add(1))
        .put("parameters", new JsonObject().put("binary_data_size", pixels.length))))
        .put("outputs", new JsonArray().add(new JsonObject().put("name", "logits")));
    Buffer pixelJson = pixelHeader.toBuffer();
    Reply p = rest(HttpMethod.POST, "/v2/models/" + MODEL + "/infer",
        pixelJson.copy().appendBytes(pixels), Integer.toString(pixelJson.length()));
    assertEquals(200, p.status(), p.body().toString());
    assertLogits(pngLogits(82), jsonFloats(p.json().getJsonArray("outputs").getJsonObject(0)), 0,
        "binary UINT8, JSON answer");
  }

  @Test
  void restHealthMetadataAndErrors() throws Exception {
    assertEquals(200, rest(HttpMethod.GET, "/v2/health/live", null, null).status());
    assertEquals(200, rest(HttpMethod.GET, "/v2/health/ready", null, null).status());
    assertEquals(new JsonArray().add("binary_tensor_data").add("classification")
        .add("model_repository").add("model_repository(unload_dependents)"),
        rest(HttpMethod.GET, "/v2", null, null).json().getJsonArray("extensions"));
    JsonObject meta = rest(HttpMethod.GET, "/v2/models/" + MODEL, null, null).json();
    assertEquals("FP32", meta.getJsonArray("outputs").getJsonObject(1).getString("datatype"));
    assertEquals(200, rest(HttpMethod.GET, "/v2/models/" + MODEL + "/ready", null, null).status());
    Reply unknown = rest(HttpMethod.GET, "/v2/models/nope/ready", null, null);
    assertEquals(404, unknown.status());
    assertTrue(unknown.json().getString("error").contains("nope"));
    assertEquals(404, post("/v2/models/nope/infer", jsonPng(0)).status());
    assertEquals(404, post("/v2/models/" + MODEL + "/versions/999/infer", jsonPng(0)).status());

    JsonObject twoImages = jsonPng(0);
    JsonObject input = twoImages.getJsonArray("inputs").getJsonObject(0);
    input.put("shape", new JsonArray().add(2));
    input.getJsonArray("data").add("bm90IGFuIGltYWdl");
    Reply bad = post("/v2/models/" + MODEL + "/infer", twoImages);
    assertEquals(400, bad.status());
    assertTrue(bad.json().getString("error").startsWith("input 'image' element 1: "),
        bad.body().toString());
    Reply notJson = rest(HttpMethod.POST, "/v2/models/" + MODEL + "/infer",
        Buffer.buffer("{\"inputs\": ["), null);
    assertEquals(400, notJson.status());
    Reply tooLarge = rest(HttpMethod.POST, "/v2/models/" + MODEL + "/infer",
        Buffer.buffer(new byte[21 * 1024 * 1024]), null);
    assertEquals(413, tooLarge.status());
    assertTrue(tooLarge.json().getString("error").contains("exceeds the limit"));
    assertEquals(reference[3], pngArgmax(3), "the gateway still serves");
  }

  @Test
  void hostileBinaryHeadersAreRefusedWhileClassifyIsServed() throws Exception {
    byte[] png = data.png(90);
    String path = "/v2/models/" + MODEL + "/infer";
    Buffer header = new JsonObject().put("inputs", new JsonArray().add(new JsonObject()
        .put("name", "image").put("datatype", "BYTES").put("shape", new JsonArray().add(1))
        .put("parameters", new JsonObject().put("binary_data_size", png.length + 4)))).toBuffer();
    Buffer body = header.copy().appendBytes(bytesElements(png));
    record Case(String what, Buffer body, String headerLength, String message) {}
    Buffer huge = new JsonObject().put("inputs", new JsonArray().add(new JsonObject()
        .put("name", "image").put("datatype", "BYTES").put("shape", new JsonArray().add(1))
        .put("parameters", new JsonObject().put("binary_data_size", Long.MAX_VALUE))))
        .toBuffer();
    byte[] lying = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0x7fffffff)
        .putInt(0).array();
    Buffer lyingHeader = new JsonObject().put("inputs", new JsonArray().add(new JsonObject()
        .put("name", "image").put("datatype", "BYTES").put("shape", new JsonArray().add(1))
        .put("parameters", new JsonObject().put("binary_data_size", 8)))).toBuffer();
    List<Case> cases = List.of(
        new Case("header beyond the body", body, Integer.toString(body.length() + 1),
            "outside the body"),
        new Case("negative header", body, "-5", "outside the body"),
        new Case("header not a number", body, "12abc", "is not a number"),
        new Case("huge binary_data_size", huge.copy().appendBytes(new byte[16]),
            Integer.toString(huge.length()), "runs past the end of the body"),
        new Case("element length past the end", lyingHeader.copy().appendBytes(lying),
            Integer.toString(lyingHeader.length()), "element 0: length 2147483647 runs past"),
        new Case("binary data left over", body.copy().appendBytes(new byte[3]),
            Integer.toString(header.length()), "bytes of binary data follow the JSON"));
    for (Case c : cases) {
      Future<ClassifyResponse> bystander = classify.classify(ClassifyRequest.newBuilder()
          .setModel(MODEL).setImage(ByteString.copyFrom(png)).build());
      Reply r = rest(HttpMethod.POST, path, c.body(), c.headerLength());
      assertEquals(400, r.status(), c.what() + ": " + r.body());
      assertTrue(r.json().getString("error").contains(c.message()), c.what() + ": " + r.body());
      assertEquals(reference[90],
          bystander.await(30, TimeUnit.SECONDS).getPredictions(0).getIndex(), c.what());
    }
    Reply good = rest(HttpMethod.POST, path, body, Integer.toString(header.length()));
    assertEquals(200, good.status(), good.body().toString());
  }
}
