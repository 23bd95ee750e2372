package io.inferencegw.gateway.server;

import io.inferencegw.gateway.config.ConfigException;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.ManagementConfig;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.config.ResourceRef;
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
import java.nio.file.Files;
import java.nio.file.Path;
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
 *       file; creates the model or a new version of it (warm-up, then atomic switch)
 *   <li>{@code POST /v2/repository/models/{name}/unload}: drains the model, then unloads it
 *   <li>{@code GET /v1/plugins}: plugins with id, version, families, state and reason
 * </ul>
 */
final class ManagementEndpoint {

  private static final long MAX_BODY_BYTES = 64 * 1024;

  private final GatewayConfig config;
  private final ModelManager models;
  private final PluginRegistry plugins;

  ManagementEndpoint(GatewayConfig config, ModelManager models, PluginRegistry plugins) {
    this.config = config;
    this.models = models;
    this.plugins = plugins;
  }

  void mount(Router router) {
    Handler<RoutingContext> guard = this::authorize;
    router.route("/v2/repository/*").handler(guard);
    router.route("/v1/plugins").handler(guard);
    router.route("/v2/repository/*").handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
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
      if (header == null || !header.startsWith("Bearer ")) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        fail(ctx, 401, "the management API needs 'Authorization: Bearer <token>'");
        return;
      }
      byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
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
    ModelConfig entry;
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw new ConfigException("the body must be a JSON model entry (family, variant, weights, ...)");
      }
      Map<String, Object> map = plain(body);
      Object named = map.putIfAbsent("name", name);
      if (named != null && !name.equals(named)) {
        throw new ConfigException("body names model '" + named + "' but the path names '" + name + "'");
      }
      entry = ConfigLoader.parseModel(map, "model entry", this::resolve);
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
        .onFailure(err -> fail(ctx, 500, err.getMessage()));
  }

  private ResourceRef resolve(String file) {
    Path p = config.baseDir().resolve(file).normalize();
    if (!Files.isRegularFile(p)) {
      throw new ConfigException("file " + p + " does not exist");
    }
    return ResourceRef.file(p);
  }

  private void unload(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (models.resolve(name, "").isEmpty()) {
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
