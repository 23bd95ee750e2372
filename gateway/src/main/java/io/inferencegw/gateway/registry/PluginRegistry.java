package io.inferencegw.gateway.registry;

import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.VariantSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model families that plugin JARs in the plugins directory provide.
 *
 * <p>PF4J makes new extension instances on every {@code getExtensions} call, so the families
 * are looked up once per plugin start and cached here. The gateway never names a concrete
 * family: it finds them by name through this registry.
 */
public final class PluginRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

  /** A family and the plugin that provides it. */
  public record LoadedFamily(ModelFamily family, String pluginId, String pluginVersion) {}

  private final Path pluginsDir;
  private final PluginManager plugins;
  private volatile Map<String, LoadedFamily> families = Map.of();

  public PluginRegistry(Path pluginsDir) {
    this.pluginsDir = pluginsDir;
    this.plugins = new DefaultPluginManager(pluginsDir);
  }

  /** Loads and starts every plugin in the directory; a broken plugin is logged and skipped. */
  public void start() {
    if (!Files.isDirectory(pluginsDir)) {
      LOG.warn("plugins directory {} does not exist; no model families are available", pluginsDir);
      return;
    }
    plugins.loadPlugins();
    plugins.startPlugins();
    refreshFamilies();
  }

  private void refreshFamilies() {
    Map<String, LoadedFamily> found = new LinkedHashMap<>();
    for (PluginWrapper plugin : plugins.getStartedPlugins()) {
      for (ModelFamily family : plugins.getExtensions(ModelFamily.class, plugin.getPluginId())) {
        LoadedFamily previous =
            found.putIfAbsent(
                family.name(),
                new LoadedFamily(family, plugin.getPluginId(), plugin.getDescriptor().getVersion()));
        if (previous != null) {
          LOG.error(
              "family {} is provided by both plugin {} and {}; using {}",
              family.name(), previous.pluginId(), plugin.getPluginId(), previous.pluginId());
        }
      }
    }
    for (PluginWrapper plugin : plugins.getPlugins()) {
      if (plugin.getPluginState() != PluginState.STARTED) {
        LOG.error(
            "plugin {} is {}: {}",
            plugin.getPluginId(), plugin.getPluginState(), String.valueOf(plugin.getFailedException()));
      }
    }
    families = Map.copyOf(found);
    LOG.info("model families available: {}", found.keySet());
  }

  public Optional<LoadedFamily> family(String name) {
    return Optional.ofNullable(families.get(name));
  }

  public List<String> familyNames() {
    return List.copyOf(families.keySet());
  }

  /** Every variant every loaded family can build. */
  public List<CatalogEntry> catalog() {
    List<CatalogEntry> out = new ArrayList<>();
    for (LoadedFamily f : families.values()) {
      for (VariantSpec v : f.family().variants()) {
        out.add(new CatalogEntry(f.family().name(), v));
      }
    }
    return out;
  }

  /** One buildable variant. */
  public record CatalogEntry(String family, VariantSpec variant) {}

  public Path pluginsDir() {
    return pluginsDir;
  }

  @Override
  public void close() {
    families = Map.of();
    plugins.stopPlugins();
    plugins.unloadPlugins();
  }
}
