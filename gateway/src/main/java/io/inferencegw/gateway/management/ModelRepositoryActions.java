package io.inferencegw.gateway.management;

import io.inferencegw.gateway.config.ConfigException;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.config.ModelRepository;
import io.inferencegw.gateway.config.OutsideRepositoryException;
import io.inferencegw.gateway.config.SafeNames;
import io.inferencegw.gateway.management.RepositoryRefusal.Kind;
import io.inferencegw.gateway.registry.ModelLoadException;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.ModelState;
import io.inferencegw.gateway.registry.ModelStatus;
import io.inferencegw.gateway.registry.PluginRegistry;
import io.inferencegw.gateway.registry.ServedModel;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the model repository API does, whatever the transport (REST, or the gRPC RPCs of
 * Triton's model repository extension): list, load and unload models. Failures are
 * {@link RepositoryRefusal}s, which each transport answers with its own status.
 *
 * <p>A load takes any of three requests:
 *
 * <ul>
 *   <li>a model entry as in the config file (family, variant, weights...): the gateway's own
 *   <li>Triton's {@code {"parameters": {"config": "<model entry as a JSON string>"}}}
 *   <li>Triton's empty request (no body, or no {@code config} parameter): loads the model again
 *       from the entry it was last loaded with (the config file's, or an earlier load's), which
 *       reloads a served model and brings back an unloaded one
 * </ul>
 *
 * <p>Triton's {@code file:<version>/<name>} parameters, which upload model files in the request,
 * are refused: files are served only from the model repository, where an operator put them.
 */
public final class ModelRepositoryActions {

  /** The Triton load parameter holding a model configuration as a JSON string. */
  static final String CONFIG_PARAMETER = "config";
  /** The Triton unload parameter; there are no ensembles here, so nothing depends on a model. */
  static final String UNLOAD_DEPENDENTS = "unload_dependents";

  private final ModelManager models;
  private final PluginRegistry plugins;
  private final ModelRepository repository;

  public ModelRepositoryActions(ModelManager models, PluginRegistry plugins,
      ModelRepository repository) {
    this.models = models;
    this.plugins = plugins;
    this.repository = repository;
  }

  /** Every model the gateway knows of, or only those ready for inference. */
  public List<ModelStatus> index(boolean readyOnly) {
    return models.index().stream()
        .filter(s -> !readyOnly || s.state() == ModelState.READY)
        .map(s -> new ModelStatus(s.name(), s.version(), s.family(), s.variant(), s.plugin(),
            s.state(), repository.hideLocation(s.reason())))
        .toList();
  }

  /**
   * Loads a model, or a new version of it, from one of the requests described above.
   *
   * @param request the request's body as plain maps, lists and values; empty for none
   */
  public Future<ServedModel> load(String name, Map<String, Object> request) {
    ModelConfig entry;
    try {
      requireSafeName(name);
      entry = entryOf(name, request);
    } catch (RepositoryRefusal e) {
      return Future.failedFuture(e);
    }
    if (plugins.family(entry.family()).isEmpty()) {
      return Future.failedFuture(new RepositoryRefusal(Kind.NOT_FOUND, "no plugin provides"
          + " family '" + entry.family() + "'; available: " + plugins.familyNames()));
    }
    return models.lifecycle().change(() -> models.load(entry))
        .recover(e -> Future.failedFuture(loadFailure(e)));
  }

  private ModelConfig entryOf(String name, Map<String, Object> request) {
    Map<String, Object> entry;
    if (request.isEmpty() || request.keySet().equals(java.util.Set.of("parameters"))) {
      entry = tritonEntry(name, parameters(request));
      if (entry == null) {
        return models.lastConfig(name).orElseThrow(() -> new RepositoryRefusal(Kind.NOT_FOUND,
            "no model named " + name + " was configured or loaded before: send its entry"
                + " (family, variant, weights...) in the body"));
      }
    } else {
      entry = new LinkedHashMap<>(request);
    }
    Object named = entry.putIfAbsent("name", name);
    if (named != null && !name.equals(named)) {
      throw new RepositoryRefusal(Kind.BAD_REQUEST,
          "the body's name differs from the model name in the path");
    }
    try {
      return ConfigLoader.parseModel(entry, "model entry", repository);
    } catch (OutsideRepositoryException e) {
      throw new RepositoryRefusal(Kind.FORBIDDEN, e.getMessage());
    } catch (ConfigException | ClassCastException e) {
      throw new RepositoryRefusal(Kind.BAD_REQUEST, e.getMessage());
    }
  }

  /** The entry in Triton's {@code config} parameter, or null when there is none. */
  private static Map<String, Object> tritonEntry(String name, Map<String, Object> parameters) {
    Map<String, Object> entry = null;
    for (Map.Entry<String, Object> p : parameters.entrySet()) {
      if (p.getKey().equals(CONFIG_PARAMETER)) {
        if (!(p.getValue() instanceof String json)) {
          throw new RepositoryRefusal(Kind.BAD_REQUEST,
              "parameter 'config' must be a string holding the model entry as JSON");
        }
        try {
          entry = PlainJson.map(new JsonObject(json));
        } catch (DecodeException | ClassCastException e) {
          throw new RepositoryRefusal(Kind.BAD_REQUEST,
              "parameter 'config' is not a JSON object: " + e.getMessage());
        }
      } else if (p.getKey().startsWith("file:")) {
        throw new RepositoryRefusal(Kind.BAD_REQUEST, "model files are not taken in requests"
            + " (parameter '" + p.getKey() + "'): put them in the model repository and name"
            + " them in the entry");
      } else {
        throw new RepositoryRefusal(Kind.BAD_REQUEST, "unknown load parameter '" + p.getKey()
            + "' for model " + name + " (known: config)");
      }
    }
    return entry;
  }

  /** A failed load: the caller's request 400, the files it names 422, ours 500. */
  private RepositoryRefusal loadFailure(Throwable error) {
    String message = repository.hideLocation(error.getMessage());
    if (error instanceof ConfigException) {
      return new RepositoryRefusal(Kind.BAD_REQUEST, message);
    }
    Kind kind = error instanceof ModelLoadException e ? switch (e.kind()) {
      case INVALID_REQUEST -> Kind.BAD_REQUEST;
      case INVALID_FILE -> Kind.INVALID_FILE;
      case INTERNAL -> Kind.INTERNAL;
    } : Kind.INTERNAL;
    return new RepositoryRefusal(kind, message);
  }

  /**
   * Drains the model and unloads it; one that only failed to load or waits for its plugin is
   * forgotten. Its entry is remembered, so an empty load brings it back.
   *
   * @param request the request's body as plain maps; empty for none
   */
  public Future<Void> unload(String name, Map<String, Object> request) {
    try {
      requireSafeName(name);
      if (!request.isEmpty() && !request.keySet().equals(java.util.Set.of("parameters"))) {
        throw new RepositoryRefusal(Kind.BAD_REQUEST,
            "an unload request holds only 'parameters', got " + request.keySet());
      }
      for (Map.Entry<String, Object> p : parameters(request).entrySet()) {
        if (!p.getKey().equals(UNLOAD_DEPENDENTS) || !(p.getValue() instanceof Boolean)) {
          throw new RepositoryRefusal(Kind.BAD_REQUEST, "unknown unload parameter '"
              + p.getKey() + "' (known: unload_dependents, a boolean)");
        }
      }
    } catch (RepositoryRefusal e) {
      return Future.failedFuture(e);
    }
    // Whether it is known is decided in turn: a load or an upgrade before it may change that.
    return models.lifecycle().change(() -> models.knows(name) ? models.unload(name)
        : Future.<Void>failedFuture(new RepositoryRefusal(Kind.NOT_FOUND,
            "no model named " + name + " is served")))
        .recover(e -> Future.failedFuture(RepositoryRefusal.of(e)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parameters(Map<String, Object> request) {
    Object parameters = request.getOrDefault("parameters", Map.of());
    if (!(parameters instanceof Map<?, ?> map)) {
      throw new RepositoryRefusal(Kind.BAD_REQUEST, "'parameters' must be an object");
    }
    return (Map<String, Object>) map;
  }

  private static void requireSafeName(String name) {
    if (!SafeNames.isValid(name)) {
      throw new RepositoryRefusal(Kind.BAD_REQUEST,
          "the model name must be " + SafeNames.RULE);
    }
  }
}
