package io.inferencegw.gateway.registry;

import io.inferencegw.gateway.config.ModelConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pf4j.DefaultVersionManager;
import org.pf4j.VersionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies plugin JARs appearing, changing and disappearing while the gateway serves.
 *
 * <ul>
 *   <li>A new plugin: its families join the catalog, and configured models waiting for them
 *       load.
 *   <li>A higher {@code Plugin-Version} of an active plugin: the new version loads beside the
 *       old one; every model served by the old one, of any of its families, gets a new version
 *       built, loaded and warmed up from the new plugin; then routing switches, the old
 *       versions drain, and the old plugin is unloaded and its class loader closed. If any of
 *       that fails, the new plugin is thrown away and the old one keeps serving. Configured
 *       models waiting for a family the new version adds then load.
 *   <li>A removed JAR: a model of it whose family another active plugin also provides moves to
 *       that one (a new version, then the switch); the others drain and are unloaded (waiting
 *       for a plugin again). Then the plugin is unloaded.
 * </ul>
 *
 * <p>Changes are applied one at a time, in the order they were seen, in the model lifecycle
 * that management calls go through too ({@link ModelLifecycle}).
 */
public final class HotReloader {

  private static final Logger LOG = LoggerFactory.getLogger(HotReloader.class);
  private static final VersionManager VERSIONS = new DefaultVersionManager();

  private final Vertx vertx;
  private final PluginRegistry plugins;
  private final PluginLoader loader;
  private final ModelManager models;

  public HotReloader(Vertx vertx, PluginRegistry plugins, PluginLoader loader, ModelManager models) {
    this.vertx = vertx;
    this.plugins = plugins;
    this.loader = loader;
    this.models = models;
  }

  /** A complete JAR is in the plugins directory (new, or rewritten). */
  public Future<Void> jarReady(Path jar) {
    return models.lifecycle().change(() -> install(jar));
  }

  /** A JAR left the plugins directory. */
  public Future<Void> jarRemoved(Path jar) {
    return models.lifecycle().change(() -> remove(jar));
  }

  /** A file sat complete-sized in the directory but is not a JAR. */
  public void jarBroken(Path jar, String reason) {
    LOG.error("plugin file {} ignored: {}", jar.getFileName(), reason);
    plugins.recordFailure(jar, reason);
  }

  private Future<Void> install(Path jar) {
    return vertx
        .executeBlocking(() -> loader.load(jar))
        .transform(ar -> {
          if (ar.failed()) {
            LOG.error("plugin file {} not loaded: {}", jar.getFileName(), ar.cause().getMessage());
            plugins.recordFailure(jar, ar.cause().getMessage());
            return Future.succeededFuture();
          }
          LoadedPlugin fresh = ar.result();
          Optional<LoadedPlugin> existing = plugins.active(fresh.id());
          if (existing.isEmpty()) {
            return addNew(fresh);
          }
          if (VERSIONS.compareVersions(fresh.version(), existing.get().version()) <= 0
              && !existing.get().jar().equals(jar)) {
            return refuse(fresh, jar, "version " + fresh.version() + " is not newer than the active "
                + existing.get());
          }
          if (VERSIONS.compareVersions(fresh.version(), existing.get().version()) < 0) {
            return refuse(fresh, jar, "version " + fresh.version() + " is older than the active "
                + existing.get());
          }
          return upgrade(existing.get(), fresh);
        });
  }

  private Future<Void> refuse(LoadedPlugin fresh, Path jar, String reason) {
    LOG.warn("plugin file {} not used: {}", jar.getFileName(), reason);
    return vertx.executeBlocking(() -> {
      fresh.unload();
      plugins.recordFailure(jar, reason);
      return null;
    });
  }

  private Future<Void> addNew(LoadedPlugin plugin) {
    plugins.activate(plugin);
    return loadWaitingFor(plugin);
  }

  /** Loads the configured models waiting for one of the plugin's families. */
  private Future<Void> loadWaitingFor(LoadedPlugin plugin) {
    List<Future<?>> loads = new ArrayList<>();
    for (ModelConfig waiting : models.pendingFor(plugin.families().keySet())) {
      loads.add(models.load(waiting));
    }
    return Future.join(loads).otherwiseEmpty().mapEmpty();
  }

  private Future<Void> upgrade(LoadedPlugin old, LoadedPlugin fresh) {
    List<ServedModel> affected = models.servedBy(old);
    LOG.info("upgrading plugin {} to {}: {} model(s) to move", old, fresh.version(), affected.size());
    List<Future<ServedModel>> prepared = new ArrayList<>();
    for (ServedModel m : affected) {
      String family = m.config().family();
      if (!fresh.families().containsKey(family)) {
        prepared.add(Future.failedFuture("plugin " + fresh + " no longer provides family " + family));
      } else {
        prepared.add(models.prepare(m.config(),
            new PluginRegistry.LoadedFamily(fresh.families().get(family), fresh)));
      }
    }
    return Future.join(prepared).transform(ar -> {
      if (ar.failed()) {
        String reason = "upgrade to " + fresh + " failed, " + old + " keeps serving: "
            + ar.cause().getMessage();
        LOG.error(reason);
        List<Future<Void>> discards = new ArrayList<>();
        prepared.stream().filter(Future::succeeded).forEach(p -> discards.add(models.discard(p.result())));
        return Future.join(discards).transform(x -> refuse(fresh, fresh.jar(), reason));
      }
      plugins.activate(fresh);
      List<Future<Void>> retired = new ArrayList<>();
      prepared.forEach(p -> retired.add(models.activate(p.result())));
      return Future.join(retired)
          .transform(x -> vertx.executeBlocking(() -> {
            old.unload();
            return null;
          }))
          // a new version may provide families the old one did not
          .transform(x -> loadWaitingFor(fresh));
    });
  }

  private Future<Void> remove(Path jar) {
    Optional<LoadedPlugin> gone = plugins.loadedFrom(jar);
    if (gone.isEmpty()) {
      plugins.forget(jar);
      return Future.succeededFuture();
    }
    LoadedPlugin plugin = gone.get();
    LOG.info("plugin {} removed from the plugins directory; draining its models", plugin);
    plugins.deactivate(plugin);
    List<Future<Void>> unloads = new ArrayList<>();
    for (ServedModel m : models.servedBy(plugin)) {
      unloads.add(moveOrUnload(m));
    }
    return Future.join(unloads)
        .transform(x -> vertx.executeBlocking(() -> {
          plugin.unload();
          return null;
        }))
        .mapEmpty();
  }

  /**
   * A model of a plugin that is going away (already deactivated): to a new version built by
   * another active plugin that provides its family, as when a plugin is replaced by one that
   * also provides it; else, or if that version fails to load, unloaded to wait for a plugin.
   */
  private Future<Void> moveOrUnload(ServedModel model) {
    Optional<PluginRegistry.LoadedFamily> other = plugins.family(model.config().family());
    if (other.isEmpty()) {
      return models.unloadToPending(model);
    }
    LOG.info("model {} moves to plugin {}", model.name(), other.get().plugin());
    // activating the new version retires this one; only a failed prepare leaves it to unload
    return models.prepare(model.config(), other.get())
        .transform(prepared -> prepared.succeeded()
            ? models.activate(prepared.result())
            : models.unloadToPending(model));
  }
}
