package io.inferencegw.gateway.registry;

import io.inferencegw.plugin.api.ModelFamily;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.pf4j.PluginManager;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One plugin JAR, loaded and started in a PF4J manager of its own. One manager per JAR is what
 * lets two versions of the same plugin live side by side during an upgrade: PF4J allows each
 * plugin id once per manager.
 */
public final class LoadedPlugin {

  private static final Logger LOG = LoggerFactory.getLogger(LoadedPlugin.class);

  private final String id;
  private final String version;
  private final Path jar;
  private final PluginManager manager;
  private final Map<String, ModelFamily> families;
  private final ClassLoader classLoader;
  /** Parameter counts by family and variant, counted when first asked for. */
  private final Map<String, Long> parameterCounts = new ConcurrentHashMap<>();

  LoadedPlugin(
      String id, String version, Path jar, PluginManager manager, Map<String, ModelFamily> families,
      ClassLoader classLoader) {
    this.id = id;
    this.version = version;
    this.jar = jar;
    this.manager = manager;
    // sorted by name, as the catalog and the management API show them: PF4J hands a plugin's
    // extensions over in no particular order
    this.families = Collections.unmodifiableMap(new TreeMap<>(families));
    this.classLoader = classLoader;
  }

  public String id() {
    return id;
  }

  public String version() {
    return version;
  }

  public Path jar() {
    return jar;
  }

  /**
   * Families by name, one or more, cached once: PF4J makes new extension instances on every
   * lookup.
   */
  public Map<String, ModelFamily> families() {
    return families;
  }

  /**
   * The variant's parameter count, as {@link ModelFamily#parameterCount} counts it (a build
   * without storage, milliseconds), once per plugin version; 0 where the family fails to
   * build the variant.
   */
  public long parameterCount(String family, String variant) {
    return parameterCounts.computeIfAbsent(family + "/" + variant, key -> {
      try {
        return families.get(family).parameterCount(variant);
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("plugin {}: cannot count the parameters of {}/{} (reported as 0): {}",
            this, family, variant, e.toString());
        return 0L;
      }
    });
  }

  /** The plugin's class loader, for checks that it is released after unloading. */
  ClassLoader classLoader() {
    return classLoader;
  }

  /**
   * Stops and unloads the plugin and closes its class loader. Every module built from it must
   * already be closed: its classes are gone afterwards.
   */
  public void unload() {
    try {
      manager.stopPlugins();
      for (PluginWrapper p : manager.getPlugins()) {
        manager.unloadPlugin(p.getPluginId());
      }
      LOG.info("plugin {}@{} unloaded", id, version);
    } catch (RuntimeException e) {
      LOG.warn("plugin {}@{} did not unload cleanly: {}", id, version, e.toString());
    }
  }

  @Override
  public String toString() {
    return id + "@" + version;
  }
}
