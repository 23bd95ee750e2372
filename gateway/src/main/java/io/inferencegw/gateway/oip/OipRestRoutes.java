package io.inferencegw.gateway.oip;

import io.inferencegw.gateway.http.HttpStatuses;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.observability.Api;
import io.inferencegw.gateway.observability.RequestIds;
import io.inferencegw.gateway.observability.RequestRecorder;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.ModelState;
import io.inferencegw.gateway.registry.ServedModel;
import io.vertx.core.Handler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Inference Protocol's HTTP/REST binding, with the binary tensor data and
 * classification extensions. Errors are {@code {"error": "..."}} with the HTTP status of the
 * error table, as the protocol specifies.
 *
 * <ul>
 *   <li>{@code GET /v2}: server metadata; {@code GET /v2/health/live|ready}: 200, or 503 when
 *       the gateway is not ready
 *   <li>{@code GET /v2/models/{m}[/versions/{v}]}: model metadata; {@code .../ready}: 200 when
 *       the model is READY, 503 when it is not, 404 when unknown
 *   <li>{@code POST /v2/models/{m}[/versions/{v}]/infer}: inference; the body is read up to the
 *       gRPC message limit, and a larger one is refused with 413 while it arrives
 * </ul>
 */
public final class OipRestRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(OipRestRoutes.class);

  private final Vertx vertx;
  private final ModelManager models;
  private final InputLimits limits;
  private final BooleanSupplier ready;
  private final OipRequests requests;

  /**
   * @param ready the gateway's readiness, as GET /health/ready answers it
   * @param recorder told of every answered infer request
   */
  public OipRestRoutes(Vertx vertx, ModelManager models, InputLimits limits,
      BooleanSupplier ready, RequestRecorder recorder) {
    this.vertx = vertx;
    this.models = models;
    this.limits = limits;
    this.ready = ready;
    this.requests = new OipRequests(recorder, models);
  }

  public void mount(Router router) {
    router.get("/v2").handler(this::serverMetadata);
    router.get("/v2/health/live").handler(ctx -> ctx.response().end());
    router.get("/v2/health/ready").handler(
        ctx -> ctx.response().setStatusCode(ready.getAsBoolean() ? 200 : 503).end());
    for (String model : List.of("/v2/models/:model", "/v2/models/:model/versions/:version")) {
      router.get(model).handler(this::modelMetadata);
      router.get(model + "/ready").handler(this::modelReady);
      // No file uploads: bodies are held in memory, up to the limit of a gRPC message.
      router.post(model + "/infer")
          .handler(BodyHandler.create(false).setBodyLimit(limits.maxMessageBytes()))
          .handler(this::infer)
          .failureHandler(this::failure);
    }
  }

  private void serverMetadata(RoutingContext ctx) {
    json(ctx, new JsonObject()
        .put("name", OipProtocol.SERVER_NAME)
        .put("version", OipProtocol.serverVersion())
        .put("extensions", new JsonArray(OipProtocol.EXTENSIONS)));
  }

  private void modelMetadata(RoutingContext ctx) {
    ServedModel model = found(ctx);
    if (model == null) {
      return;
    }
    json(ctx, new JsonObject()
        .put("name", model.name())
        .put("versions", new JsonArray().add(model.version()))
        .put("platform", OipModels.platform(model))
        .put("inputs", tensors(ModelSignature.inputs(model.spec())))
        .put("outputs", tensors(ModelSignature.outputs(model.spec())))
        .put("properties", new JsonObject(new java.util.LinkedHashMap<>(
            OipModels.properties(model)))));
  }

  private static JsonArray tensors(List<ModelSignature.TensorSpec> specs) {
    JsonArray out = new JsonArray();
    for (ModelSignature.TensorSpec t : specs) {
      JsonArray shape = new JsonArray();
      for (long d : t.shape()) {
        shape.add(d);
      }
      out.add(new JsonObject().put("name", t.name()).put("datatype", t.datatype())
          .put("shape", shape));
    }
    return out;
  }

  private void modelReady(RoutingContext ctx) {
    ServedModel model = found(ctx);
    if (model != null) {
      ctx.response().setStatusCode(model.state() == ModelState.READY ? 200 : 503).end();
    }
  }

  /** The model of the path, or null when answered with an error. */
  private ServedModel found(RoutingContext ctx) {
    try {
      return OipModels.find(models, ctx.pathParam("model"), version(ctx));
    } catch (GatewayException e) {
      error(ctx, e);
      return null;
    }
  }

  private static String version(RoutingContext ctx) {
    String v = ctx.pathParam("version");
    return v == null ? "" : v;
  }

  private void infer(RoutingContext ctx) {
    long startNanos = System.nanoTime();
    String model = ctx.pathParam("model");
    String header = ctx.request().getHeader(RequestIds.HEADER);
    SplitInference split;
    RestInferBody.Parsed parsed = null;
    try {
      parsed = RestInferBody.parse(model, version(ctx), ctx.body().buffer(),
          ctx.request().getHeader(RestInferBody.HEADER_LENGTH));
      split = SplitInference.start(vertx, models, limits, parsed.call(), parsed.binaryOutputs(),
          parsed.call().timeoutNanos(0));
    } catch (GatewayException e) {
      requests.record(Api.OIP_REST, parsed == null ? "" : parsed.call().id(), model, version(ctx),
          header, startNanos, Future.failedFuture(e));
      error(ctx, e);
      return;
    }
    String id = parsed.call().id();
    ctx.response().closeHandler(closed -> split.cancel());
    split.answer()
        .onComplete(outcome -> requests.record(Api.OIP_REST, id, model, version(ctx), header,
            startNanos, outcome))
        .onSuccess(answer -> respond(ctx, id, answer))
        .onFailure(error -> error(ctx, error));
  }

  /** JSON, or with any output in binary form the JSON header followed by the binary section. */
  private static void respond(RoutingContext ctx, String id, SplitInference.Answer answer) {
    JsonObject json = new JsonObject()
        .put("model_name", answer.modelName())
        .put("model_version", answer.version());
    if (!id.isEmpty()) {
      json.put("id", id);
    }
    JsonArray outputs = new JsonArray();
    List<byte[]> binary = new ArrayList<>();
    List<RequestedOutput> asked = answer.requested();
    for (int i = 0; i < answer.outputs().size(); i++) {
      OutputTensor t = answer.outputs().get(i);
      JsonArray shape = new JsonArray();
      for (long d : t.shape()) {
        shape.add(d);
      }
      JsonObject out = new JsonObject().put("name", t.name()).put("datatype", t.datatype())
          .put("shape", shape);
      if (asked.get(i).binary()) {
        byte[] raw = t.rawBytes();
        binary.add(raw);
        out.put("parameters", new JsonObject().put("binary_data_size", raw.length));
      } else {
        out.put("data", data(t));
      }
      outputs.add(out);
    }
    json.put("outputs", outputs);
    Buffer header = json.toBuffer();
    if (binary.isEmpty()) {
      ctx.response().putHeader("Content-Type", "application/json").end(header);
      return;
    }
    Buffer body = Buffer.buffer().appendBuffer(header);
    binary.forEach(body::appendBytes);
    ctx.response()
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader(RestInferBody.HEADER_LENGTH, Integer.toString(header.length()))
        .end(body);
  }

  private static JsonArray data(OutputTensor t) {
    JsonArray data = new JsonArray();
    if (t.elements() != null) {
      t.elements().forEach(e -> data.add(new String(e, StandardCharsets.UTF_8)));
    } else {
      for (float v : t.values()) {
        data.add(v);
      }
    }
    return data;
  }

  /** A body over the limit (413) or another failure of the body handler, as JSON. */
  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (ctx.response().headWritten()) {
      return;
    }
    String message = status == 413
        ? "the request body exceeds the limit of " + limits.maxMessageBytes() + " bytes"
        : "the request failed: " + (ctx.failure() == null ? status : ctx.failure().getMessage());
    if (status == 500) {
      LOG.warn("internal error answered to a client", ctx.failure());
    }
    send(ctx, status, message);
  }

  private static void error(RoutingContext ctx, Throwable error) {
    GatewayException e = error instanceof GatewayException g
        ? g : new GatewayException(ErrorCode.INTERNAL, "internal error: " + error.getMessage());
    if (e.code() == ErrorCode.INTERNAL) {
      LOG.warn("internal error answered to a client", error);
    }
    send(ctx, HttpStatuses.of(e.code()), e.getMessage());
  }

  private static void send(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", message).encode());
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }
}
