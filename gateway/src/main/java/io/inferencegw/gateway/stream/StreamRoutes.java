package io.inferencegw.gateway.stream;

import io.inferencegw.gateway.http.HttpStatuses;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.admission.ModelRouting;
import io.inferencegw.gateway.observability.RequestRecorder;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.ServedModel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of frame streaming, mounted on a frontend's router:
 *
 * <ul>
 *   <li>{@code GET /v1/models/{model}/stream}: the WebSocket upgrade; the model and the query
 *       are checked before the handshake, so a bad request gets a plain HTTP 404 or 400
 *   <li>{@code GET /v1/models}: served models as JSON (the demo page's model list)
 *   <li>{@code GET /v1/streams}: limits, totals and per-stream counters as JSON
 *   <li>{@code GET /demo/}: the browser page (static files under {@code webroot/}); {@code /}
 *       redirects to it
 * </ul>
 */
public final class StreamRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(StreamRoutes.class);

  private final Vertx vertx;
  private final ModelManager models;
  private final InputLimits limits;
  private final StreamRegistry streams;
  private final RequestRecorder recorder;

  /** @param recorder where every answered frame is reported, as a request of api stream */
  public StreamRoutes(Vertx vertx, ModelManager models, InputLimits limits, StreamRegistry streams,
      RequestRecorder recorder) {
    this.vertx = vertx;
    this.models = models;
    this.limits = limits;
    this.streams = streams;
    this.recorder = recorder;
  }

  /**
   * The server settings streaming needs. The max frame size is the hard cap (a bigger frame
   * closes the socket with 1009); Vert.x's message aggregation is not used (see
   * {@link MessageAssembler}). WebSocket compression is off: frames are JPEG/PNG, which do not
   * compress, and an inflating decoder would let a small frame expand beyond every limit.
   */
  public static HttpServerOptions configure(HttpServerOptions options, StreamRegistry streams) {
    return options
        .setMaxWebSocketFrameSize(streams.config().maxFrameBytes())
        .setMaxWebSocketMessageSize(streams.config().maxFrameBytes())
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
  }

  public void mount(Router router) {
    router.get("/v1/models").handler(this::listModels);
    router.get("/v1/models/:model/stream").handler(this::openStream);
    router.get("/v1/streams").handler(ctx -> json(ctx, 200, streams.toJson()));
    router.get("/").handler(ctx -> ctx.redirect("/demo/"));
    // The page's relative links need the trailing slash; vertx-web would match "/demo/" to a
    // plain "/demo" route too, so the redirect checks the exact path.
    router.get("/demo/*").handler(ctx -> {
      if (ctx.request().path().equals("/demo")) {
        ctx.redirect("/demo/");
      } else {
        ctx.next();
      }
    });
    router.get("/demo/*").handler(StaticHandler.create("webroot"));
  }

  private void openStream(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    StreamParams params;
    try {
      params = StreamParams.parse(ctx.queryParams());
      ModelRouting.route(models, model, params.version());
    } catch (GatewayException e) {
      refuse(ctx, e);
      return;
    }
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.UPGRADE))) {
      refuse(ctx, GatewayException.invalid(
          "this is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)"));
      return;
    }
    ctx.request()
        .toWebSocket()
        .onSuccess(ws -> StreamSession.serve(
            ws, ctx.request().connection(), vertx, model, params, models, limits, streams,
            recorder))
        .onFailure(e -> LOG.debug("WebSocket handshake for {} failed: {}", model, e.toString()));
  }

  private void listModels(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    for (ServedModel m : models.models()) {
      list.add(new JsonObject()
          .put("name", m.name())
          .put("version", m.version())
          .put("state", m.state().name())
          .put("family", m.config().family())
          .put("variant", m.config().variant())
          .put("num_classes", m.spec().numClasses())
          .put("input_shape", new JsonArray(m.spec().inputShape()))
          .put("devices", new JsonArray(m.config().devices()))
          .put("stream", "/v1/models/" + URLEncoder.encode(m.name(), StandardCharsets.UTF_8)
              .replace("+", "%20") + "/stream"));
    }
    json(ctx, 200, new JsonObject().put("models", list));
  }

  /** A refused handshake: the HTTP status of the error table, and the reason as JSON. */
  private static void refuse(RoutingContext ctx, GatewayException e) {
    json(ctx, HttpStatuses.of(e.code()),
        new JsonObject().put("code", e.code().name()).put("message", e.getMessage()));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }
}
