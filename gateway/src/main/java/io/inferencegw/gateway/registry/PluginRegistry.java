package io.inferencegw.gateway.registry;

import io.inferencegw.gateway.core.ServingMetrics;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.VariantSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins in use, and the model families they provide.
 *
 * <p>One active plugin per plugin id, each providing one or more families. Two active plugins
 * may provide a family of the same name, as while a plugin is replaced by another that also
 * provides it: the one activated first provides it (an upgrade keeps a plugin's place) until it
 * is removed. Plugins that could not be used are remembered by file, with the reason, for the
 * management API. The registry only keeps track; {@link HotReloader} decides what is loaded and
 * when.
 */
public final class PluginRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

  /** A family and the plugin that provides it. */
  public record LoadedFamily(ModelFamily family, LoadedPlugin plugin) {
    public String pluginId() {
      return plugin.id();
    }

    public String pluginVersion() {
      return plugin.version();
    }
  }

  /**
   * One buildable variant, with its family's {@link ModelFamily#inputNote note} on the input
   * and its parameter count.
   */
  public record CatalogEntry(String family, VariantSpec variant, String inputNote, long parameters) {}

  /** What the management API shows about a plugin file. */
  public record PluginStatus(
      String id, String version, String file, List<String> families, String state, String reason) {}

  private final Path pluginsDir;
  private final Map<String, LoadedPlugin> active = new LinkedHashMap<>();
  private final Map<String, String> failures = new LinkedHashMap<>();
  private final ServingMetrics metrics;

  public PluginRegistry(Path pluginsDir) {
    this(pluginsDir, ServingMetrics.NONE);
  }

  /** @param metrics counts plugin loads, reloads and failures */
  public PluginRegistry(Path pluginsDir, ServingMetrics metrics) {
    this.pluginsDir = pluginsDir;
    this.metrics = metrics;
  }

  public Path pluginsDir() {
    return pluginsDir;
  }

  /** Makes the plugin the active one for its id; returns the one it replaces, if any. */
  public synchronized Optional<LoadedPlugin> activate(LoadedPlugin plugin) {
    failures.remove(plugin.jar().getFileName().toString());
    LoadedPlugin previous = active.put(plugin.id(), plugin);
    metrics.pluginActivated(previous != null);
    LOG.info("plugin {} active, families {}", plugin, plugin.families().keySet());
    for (String name : plugin.families().keySet()) {
      LoadedPlugin provider = family(name).orElseThrow().plugin();
      if (provider != plugin) {
        LOG.warn("family {} of plugin {} is also provided by plugin {}, which keeps providing it"
            + " while it is active", name, plugin, provider);
      }
    }
    return Optional.ofNullable(previous);
  }

  /** Removes the plugin from use (its families disappear); false if it was not active. */
  public synchronized boolean deactivate(LoadedPlugin plugin) {
    return active.remove(plugin.id(), plugin);
  }

  public synchronized Optional<LoadedPlugin> active(String pluginId) {
    return Optional.ofNullable(active.get(pluginId));
  }

  /** The active plugin loaded from this file, if any. */
  public synchronized Optional<LoadedPlugin> loadedFrom(Path jar) {
    return active.values().stream().filter(p -> p.jar().equals(jar)).findFirst();
  }

  public synchronized List<LoadedPlugin> activePlugins() {
    return List.copyOf(active.values());
  }

  public synchronized void recordFailure(Path jar, String reason) {
    failures.put(jar.getFileName().toString(), reason);
    metrics.pluginFailed();
  }

  public synchronized void forget(Path jar) {
    failures.remove(jar.getFileName().toString());
  }

  /** The family of this name, from the first activated plugin that provides it. */
  public synchronized Optional<LoadedFamily> family(String name) {
    for (LoadedPlugin p : active.values()) {
      ModelFamily f = p.families().get(name);
      if (f != null) {
        return Optional.of(new LoadedFamily(f, p));
      }
    }
    return Optional.empty();
  }

  public synchronized List<String> familyNames() {
    return provided().stream().map(f -> f.family().name()).toList();
  }

  /**
   * Every variant every active family can build. Counting a plugin's parameters the first time
   * takes up to a second or so (see {@link LoadedPlugin#parameterCount}): not for an event loop.
   */
  public List<CatalogEntry> catalog() {
    List<CatalogEntry> out = new ArrayList<>();
    for (LoadedFamily provided : provided()) {
      ModelFamily f = provided.family();
      for (VariantSpec v : f.variants()) {
        out.add(new CatalogEntry(f.name(), v, f.inputNote(v.name()),
            provided.plugin().parameterCount(f.name(), v.name())));
      }
    }
    return out;
  }

  /** The families {@link #family} answers with: each name once, from the plugin providing it. */
  private synchronized List<LoadedFamily> provided() {
    Map<String, LoadedFamily> byName = new LinkedHashMap<>();
    active.values().forEach(p -> p.families().forEach(
        (name, f) -> byName.putIfAbsent(name, new LoadedFamily(f, p))));
    return List.copyOf(byName.values());
  }

  /** Active plugins, then files that failed, with their reasons. */
  public synchronized List<PluginStatus> status() {
    List<PluginStatus> out = new ArrayList<>();
    for (LoadedPlugin p : active.values()) {
      out.add(new PluginStatus(p.id(), p.version(), p.jar().getFileName().toString(),
          List.copyOf(p.families().keySet()), "ACTIVE", ""));
    }
    failures.forEach((file, reason) ->
        out.add(new PluginStatus("", "", file, List.of(), "FAILED", reason)));
    return out;
  }

  /** Unloads every plugin (the gateway is stopping; every model is already unloaded). */
  @Override
  public void close() {
    List<LoadedPlugin> all;
    synchronized (this) {
      all = List.copyOf(active.values());
      active.clear();
    }
    all.forEach(LoadedPlugin::unload);
  }
}
