package io.inferencegw.gateway.registry;

import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.PluginApi;
import java.io.IOException;
import java.net.URLConnection;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads one plugin JAR into its own PF4J manager and checks it is usable: a readable JAR with a
 * PF4J manifest, a {@code Plugin-Requires} range that admits this gateway's plugin API, a start
 * that succeeds, and at least one model family, each under a name of its own (a plugin may
 * provide several). Anything else is a {@link PluginLoadException} with the reason, and nothing
 * of the plugin stays loaded.
 */
public final class PluginLoader {

  static {
    // A JAR replaced under the same name (an upgrade) must be read anew. The JDK caches the
    // files opened through jar: URLs by URL, and PF4J reads a plugin's extension index through
    // one: with the cache, a new version loaded beside the old one of the same file name would
    // see the old index, and the families it adds or removes would go unnoticed.
    URLConnection.setDefaultUseCaches("jar", false);
  }

  /** Blocking (opens the JAR, runs the plugin's start code); call it off the event loop. */
  public LoadedPlugin load(Path jar) throws PluginLoadException {
    Manifest manifest = readManifest(jar);
    Attributes attrs = manifest.getMainAttributes();
    String id = attrs.getValue("Plugin-Id");
    String version = attrs.getValue("Plugin-Version");
    if (id == null || id.isBlank() || version == null || version.isBlank()) {
      throw new PluginLoadException(
          jar.getFileName() + ": manifest has no Plugin-Id and Plugin-Version");
    }
    PluginManager manager = new DefaultPluginManager(jar.getParent());
    manager.setSystemVersion(PluginApi.VERSION);
    String requires = attrs.getValue("Plugin-Requires");
    if (requires != null && !requires.isBlank() && !requires.strip().equals("*")
        && !manager.getVersionManager().checkVersionConstraint(PluginApi.VERSION, requires)) {
      throw new PluginLoadException(
          jar.getFileName() + ": plugin " + id + "@" + version + " requires plugin API "
              + requires + ", this gateway has " + PluginApi.VERSION);
    }
    try {
      String loadedId = manager.loadPlugin(jar);
      PluginWrapper wrapper = manager.getPlugin(loadedId);
      PluginState state = manager.startPlugin(loadedId);
      if (state != PluginState.STARTED) {
        Throwable failure = wrapper.getFailedException();
        throw new PluginLoadException(
            jar.getFileName() + ": plugin " + id + " did not start (" + state + ")"
                + (failure != null ? ": " + failure : ""), failure);
      }
      Map<String, ModelFamily> families = new LinkedHashMap<>();
      List<ModelFamily> found = manager.getExtensions(ModelFamily.class, loadedId);
      for (ModelFamily f : found) {
        // configs name a family, not a plugin: two families of one name would hide one of them
        if (families.putIfAbsent(f.name(), f) != null) {
          throw new PluginLoadException(jar.getFileName() + ": plugin " + id
              + " provides family " + f.name() + " twice");
        }
        f.variants(); // a family that cannot even list its variants is broken: fail now
      }
      if (families.isEmpty()) {
        throw new PluginLoadException(
            jar.getFileName() + ": plugin " + id + " provides no model family (no ModelFamily extension)");
      }
      return new LoadedPlugin(id, version, jar, manager, families, wrapper.getPluginClassLoader());
    } catch (PluginLoadException e) {
      unloadQuietly(manager);
      throw e;
    } catch (RuntimeException | LinkageError e) {
      unloadQuietly(manager);
      throw new PluginLoadException(jar.getFileName() + ": cannot load plugin " + id + ": " + e, e);
    }
  }

  private static Manifest readManifest(Path jar) throws PluginLoadException {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      if (manifest == null) {
        throw new PluginLoadException(jar.getFileName() + ": not a plugin JAR (no manifest)");
      }
      return manifest;
    } catch (IOException e) {
      throw new PluginLoadException(jar.getFileName() + ": not a readable JAR: " + e.getMessage(), e);
    }
  }

  private static void unloadQuietly(PluginManager manager) {
    try {
      manager.stopPlugins();
      for (PluginWrapper p : List.copyOf(manager.getPlugins())) {
        manager.unloadPlugin(p.getPluginId());
      }
    } catch (RuntimeException ignored) {
      // best effort: the load already failed
    }
  }
}
