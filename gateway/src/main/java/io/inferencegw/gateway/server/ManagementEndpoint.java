package io.inferencegw.gateway.server;

import io.inferencegw.gateway.config.ConfigException;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.ManagementConfig;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.config.ModelRepository;
import io.inferencegw.gateway.config.OutsideRepositoryException;
import io.inferencegw.gateway.config.SafeNames;
import io.inferencegw.gateway.registry.ModelLoadException;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.ModelStatus;
import io.inferencegw.gateway.registry.PluginRegistry;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model repository API, with the paths of Triton's and KServe's repository extension, and
 * the plugin list. These calls change what runs, so they are open only to trusted networks
 * (loopback by default) or to callers presenting the configured bearer token.
 *
 * <ul>
 *   <li>{@code GET|POST /v2/repository/index}: every model with name, version, state, reason
 *   <li>{@code POST /v2/repository/models/{name}/load}: body is a model entry as in the config
 *       file, as JSON; creates the model or a new version of it (warm-up, then atomic switch).
 *       Files resolve inside the model repository. Answers: 400 for a bad entry (unknown key,
 *       value out of range, name outside {@link SafeNames}, unknown variant), 403 for a file
 *       outside the repository, 404 for a family no plugin provides, 415 for a multipart body,
 *       422 for a file that cannot be served (not safetensors, wrong keys, shapes or dtypes, NaN,
 *       weights of another variant, wrong number of labels), 500 only for the gateway's own
 *       failures.
 *   <li>{@code POST /v2/repository/models/{name}/unload}: drains the model, then unloads it; a
 *       model that failed to load is forgotten
 *   <li>{@code GET /v1/plugins}: plugins with id, version, families, state and reason
 * </ul>
 */
final class ManagementEndpoint {

  private static final long MAX_BODY_BYTES = 64 * 1024;

  private final GatewayConfig config;
  private final ModelManager models;
  private final PluginRegistry plugins;
  private final ModelRepository repository;

  ManagementEndpoint(GatewayConfig config, ModelManager models, PluginRegistry plugins) {
    this.config = config;
    this.models = models;
    this.plugins = plugins;
    this.repository = config.repository();
  }

  void mount(Router router) {
    Handler<RoutingContext> guard = this::authorize;
    router.route("/v2/repository/*").handler(guard);
    router.route("/v1/plugins").handler(guard);
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
    ManagementConfig rules = config.management();
    if (rules.token().isPresent()) {
      String header = ctx.request().getHeader("Authorization");
      String credentials = bearerCredentials(header);
      if (credentials == null) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        fail(ctx, 401, "the management API needs 'Authorization: Bearer <token>'");
        return;
      }
      byte[] given = credentials.getBytes(StandardCharsets.UTF_8);
      byte[] expected = rules.token().get().getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(given, expected)) {
        fail(ctx, 403, "wrong management token");
        return;
      }
      ctx.next();
      return;
    }
    String client = ctx.request().remoteAddress().hostAddress();
    if (!rules.isTrusted(client)) {
      fail(ctx, 403, "the management API is open to " + rules.trustedNetworks()
          + " only (set a token to allow other clients)");
      return;
    }
    ctx.next();
  }

  /**
   * The token of an {@code Authorization: Bearer <token>} header, or null. The scheme name is
   * case-insensitive (RFC 7235 section 2.1): {@code bearer} and {@code BEARER} are the same.
   */
  static String bearerCredentials(String header) {
    if (header == null) {
      return null;
    }
    String value = header.strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
      return null;
    }
    String token = value.substring(space + 1).strip();
    return token.isEmpty() ? null : token;
  }

  /** Multipart bodies (file uploads) are refused before anything reads them. */
  private static void refuseMultipart(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && type.strip().toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")) {
      fail(ctx, 415, "the management API takes a JSON body (Content-Type: application/json),"
          + " not multipart uploads");
      return;
    }
    ctx.next();
  }

  private void index(RoutingContext ctx) {
    JsonArray out = new JsonArray();
    for (ModelStatus s : models.index()) {
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
    if (!SafeNames.isValid(name)) {
      fail(ctx, 400, "the model name in the path must be " + SafeNames.RULE);
      return;
    }
    ModelConfig entry;
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw new ConfigException("the body must be a JSON model entry (family, variant, weights, ...)");
      }
      Map<String, Object> map = plain(body);
      Object named = map.putIfAbsent("name", name);
      if (named != null && !name.equals(named)) {
        throw new ConfigException("the body's name differs from the model name in the path");
      }
      entry = ConfigLoader.parseModel(map, "model entry", repository);
    } catch (OutsideRepositoryException e) {
      fail(ctx, 403, e.getMessage());
      return;
    } catch (ConfigException | DecodeException | ClassCastException e) {
      fail(ctx, 400, e.getMessage());
      return;
    }
    if (plugins.family(entry.family()).isEmpty()) {
      fail(ctx, 404, "no plugin provides family '" + entry.family() + "'; available: "
          + plugins.familyNames());
      return;
    }
    models.load(entry)
        .onSuccess(m -> json(ctx, 200, new JsonObject()
            .put("name", m.name()).put("version", m.version()).put("state", m.state().name())
            .encode()))
        .onFailure(err -> fail(ctx, statusOf(err), err.getMessage()));
  }

  /** A failed load: the caller's request 400, the files it names 422, ours 500. */
  private static int statusOf(Throwable error) {
    if (!(error instanceof ModelLoadException e)) {
      return 500;
    }
    return switch (e.kind()) {
      case INVALID_REQUEST -> 400;
      case INVALID_FILE -> 422;
      case INTERNAL -> 500;
    };
  }

  private void unload(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!SafeNames.isValid(name)) {
      fail(ctx, 400, "the model name in the path must be " + SafeNames.RULE);
      return;
    }
    if (!models.knows(name)) {
      fail(ctx, 404, "no model named " + name + " is served");
      return;
    }
    models.unload(name)
        .onSuccess(v -> json(ctx, 200, new JsonObject().put("name", name)
            .put("state", "UNAVAILABLE").encode()))
        .onFailure(err -> fail(ctx, 500, err.getMessage()));
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

  /** JSON objects and arrays as plain maps and lists, the shape the config parser reads. */
  private static Map<String, Object> plain(JsonObject json) {
    Map<String, Object> out = new LinkedHashMap<>();
    json.forEach(e -> out.put(e.getKey(), plainValue(e.getValue())));
    return out;
  }

  private static Object plainValue(Object v) {
    if (v instanceof JsonObject o) {
      return plain(o);
    }
    if (v instanceof JsonArray a) {
      return a.stream().map(ManagementEndpoint::plainValue).toList();
    }
    return v;
  }

  private static void json(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
  }

  private static void fail(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message).encode());
  }
}
