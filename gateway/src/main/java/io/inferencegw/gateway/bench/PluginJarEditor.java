package io.inferencegw.gateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Makes new versions of a plugin JAR by rewriting its manifest, and deploys JARs the safe way,
 * for the swap benchmark and the hot-reload tests.
 */
public final class PluginJarEditor {

  private PluginJarEditor() {}

  /** A copy of {@code source} with manifest attributes replaced (e.g. a higher Plugin-Version). */
  public static Path withManifest(Path source, Path target, Map<String, String> attributes)
      throws IOException {
    try (JarFile in = new JarFile(source.toFile())) {
      Manifest manifest = new Manifest(in.getManifest());
      attributes.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
      Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp), manifest)) {
        Enumeration<JarEntry> entries = in.entries();
        while (entries.hasMoreElements()) {
          JarEntry e = entries.nextElement();
          if (e.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
            continue;
          }
          out.putNextEntry(new JarEntry(e.getName()));
          try (InputStream data = in.getInputStream(e)) {
            data.transferTo(out);
          }
          out.closeEntry();
        }
      }
      return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public static Path withVersion(Path source, Path target, String version) throws IOException {
    return withManifest(source, target, Map.of("Plugin-Version", version));
  }

  /**
   * Deploys as operators should: copy to a hidden name in the plugins directory (ignored by the
   * gateway), then rename atomically, so the gateway never sees a half-written JAR.
   */
  public static Path deploy(Path jar, Path pluginsDir, String name) throws IOException {
    Path tmp = pluginsDir.resolve("." + name + ".tmp");
    Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
    return Files.move(tmp, pluginsDir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }
}
