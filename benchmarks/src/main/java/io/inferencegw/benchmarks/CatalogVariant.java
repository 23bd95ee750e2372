package io.inferencegw.benchmarks;

import io.inferencegw.gateway.registry.LoadedPlugin;
import io.inferencegw.gateway.registry.PluginLoadException;
import io.inferencegw.gateway.registry.PluginLoader;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.VariantSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A catalog variant found by name among the gateway's plugin JARs, loaded the way the gateway
 * loads them (PF4J, one class loader per plugin), so that the bare forward builds exactly the
 * network the served model runs.
 */
record CatalogVariant(ModelFamily family, VariantSpec spec, LoadedPlugin plugin) {

  static CatalogVariant find(Path pluginsDir, String variant) {
    List<String> families = new ArrayList<>();
    PluginLoader loader = new PluginLoader();
    for (Path jar : jars(pluginsDir)) {
      LoadedPlugin plugin;
      try {
        plugin = loader.load(jar);
      } catch (PluginLoadException e) {
        continue; // a plugin that does not load cannot be the one asked for
      }
      for (ModelFamily f : plugin.families().values()) {
        if (f.variant(variant).isPresent()) {
          return new CatalogVariant(f, f.requireVariant(variant), plugin);
        }
        families.add(f.name());
      }
      plugin.unload();
    }
    throw new IllegalArgumentException("no plugin in " + pluginsDir + " provides variant "
        + variant + "; families there: " + families);
  }

  private static List<Path> jars(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list plugins in " + dir, e);
    }
  }

  String familyName() {
    return family.name();
  }

  /** C,H,W of the network's input after preprocessing. */
  String inputShapeArg() {
    return spec.channels() + "," + spec.height() + "," + spec.width();
  }
}
