package io.inferencegw.gateway.management;

import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.registry.ModelStatus;
import io.inferencegw.gateway.registry.PluginRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;

/**
 * The model repository API over REST, with the paths and bodies of Triton's and KServe's
 * repository extension, and the plugin list. These calls change what runs, so they are open
 * only as {@link ManagementAccess} allows.
 *
 * <ul>
 *   <li>{@code GET|POST /v2/repository/index}: every model with name, version, state, reason;
 *       a POST body {@code {"ready": true}} lists only the models ready for inference
 *   <li>{@code POST /v2/repository/models/{name}/load}: the body is a model entry as in the
 *       config file, as JSON, or one of Triton's load requests (see
 *       {@link ModelRepositoryActions}); creates the model or a new version of it (warm-up, then
 *       atomic switch). Files resolve inside the model repository. Answers: 400 for a bad
 *       request (unknown key or parameter, value out of range, name outside the safe set,
 *       unknown variant, uploaded files), 403 for a file outside the repository, 404 for a
 *       family no plugin provides or an empty request for a model never configured, 415 for a
 *       multipart body, 422 for a file that cannot be served (not safetensors, wrong keys,
 *       shapes or dtypes, NaN, weights of another variant, wrong number of labels), 500 only for
 *       the gateway's own failures.
 *   <li>{@code POST /v2/repository/models/{name}/unload}: drains the model, then unloads it; a
 *       model that failed to load is forgotten. Takes Triton's {@code unload_dependents}.
 *   <li>{@code GET /v1/plugins}: plugins with id, version, families, state and reason
 * </ul>
 */
public final class ManagementEndpoint {

  private static final long MAX_BODY_BYTES = 64 * 1024;

  private final ManagementAccess access;
  private final ModelRepositoryActions actions;
  private final PluginRegistry plugins;

  public ManagementEndpoint(GatewayConfig config, ModelRepositoryActions actions,
      PluginRegistry plugins) {
    this.access = new ManagementAccess(config.management());
    this.actions = actions;
    this.plugins = plugins;
  }

  public void mount(Router router) {
    router.route("/v2/repository/*").handler(this::authorize);
    router.route("/v1/plugins").handler(this::authorize);
    router.route("/v2/repository/*").handler(ManagementEndpoint::refuseMultipart);
    // No file uploads: with them BodyHandler stores multipart parts in ./file-uploads and keeps
    // them there. Bodies here are small JSON documents, held in memory up to the limit.
    router.route("/v2/repository/*")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.get("/v2/repository/index").handler(this::index);
    router.post("/v2/repository/index").handler(this::index);
    router.post("/v2/repository/models/:name/load").handler(this::load);
    router.post("/v2/repository/models/:name/unload").handler(this::unload);
    router.get("/v1/plugins").handler(this::listPlugins);
  }

  private void authorize(RoutingContext ctx) {
    try {
      access.check(ctx.request().remoteAddress().hostAddress(),
          ctx.request().getHeader("Authorization"));
    } catch (RepositoryRefusal e) {
      if (e.kind() == RepositoryRefusal.Kind.UNAUTHENTICATED) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
      }
      fail(ctx, e);
      return;
    }
    ctx.next();
  }

  /** Multipart bodies (file uploads) are refused before anything reads them. */
  private static void refuseMultipart(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && type.strip().toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")) {
      fail(ctx, new RepositoryRefusal(RepositoryRefusal.Kind.UNSUPPORTED_MEDIA_TYPE,
          "the management API takes a JSON body (Content-Type: application/json),"
              + " not multipart uploads"));
      return;
    }
    ctx.next();
  }

  private void index(RoutingContext ctx) {
    boolean readyOnly;
    try {
      Object ready = body(ctx).getOrDefault("ready", false);
      if (!(ready instanceof Boolean b)) {
        throw new RepositoryRefusal(RepositoryRefusal.Kind.BAD_REQUEST,
            "'ready' must be a boolean");
      }
      readyOnly = b;
    } catch (RepositoryRefusal e) {
      fail(ctx, e);
      return;
    }
    JsonArray out = new JsonArray();
    for (ModelStatus s : actions.index(readyOnly)) {
      out.add(new JsonObject()
          .put("name", s.name())
          .put("version", s.version())
          .put("state", s.state().name())
          .put("reason", s.reason())
          .put("family", s.family())
          .put("variant", s.variant())
          .put("plugin", s.plugin()));
    }
    json(ctx, 200, out.encodePrettily());
  }

  private void load(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    answer(ctx, parsed(ctx).compose(body -> actions.load(name, body))
        .map(m -> new JsonObject()
            .put("name", m.name()).put("version", m.version()).put("state", m.state().name())));
  }

  private void unload(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    answer(ctx, parsed(ctx).compose(body -> actions.unload(name, body))
        .map(v -> new JsonObject().put("name", name).put("state", "UNAVAILABLE")));
  }

  private static Future<Map<String, Object>> parsed(RoutingContext ctx) {
    try {
      return Future.succeededFuture(body(ctx));
    } catch (RepositoryRefusal e) {
      return Future.failedFuture(e);
    }
  }

  /** The JSON object body as plain maps; an empty body is an empty map. */
  private static Map<String, Object> body(RoutingContext ctx) {
    String text = ctx.body().asString();
    if (text == null || text.isBlank()) {
      return Map.of();
    }
    try {
      JsonObject json = ctx.body().asJsonObject();
      return PlainJson.map(json);
    } catch (DecodeException | ClassCastException e) {
      throw new RepositoryRefusal(RepositoryRefusal.Kind.BAD_REQUEST,
          "the body must be a JSON object: " + e.getMessage());
    }
  }

  private static void answer(RoutingContext ctx, Future<JsonObject> outcome) {
    outcome.onSuccess(json -> json(ctx, 200, json.encode()))
        .onFailure(e -> fail(ctx, RepositoryRefusal.of(e)));
  }

  private void listPlugins(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    for (PluginRegistry.PluginStatus p : plugins.status()) {
      out.add(new JsonObject()
          .put("id", p.id())
          .put("version", p.version())
          .put("file", p.file())
          .put("families", new JsonArray(p.families()))
          .put("state", p.state())
          .put("reason", p.reason()));
    }
    json(ctx, 200, out.encodePrettily());
  }

  private static void json(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
  }

  private static void fail(RoutingContext ctx, RepositoryRefusal e) {
    json(ctx, e.kind().httpStatus(), new JsonObject().put("error", e.getMessage()).encode());
  }
}
