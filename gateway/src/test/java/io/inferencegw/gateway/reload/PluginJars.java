package io.inferencegw.gateway.reload;

import io.inferencegw.gateway.bench.PluginJarEditor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Plugin JARs the hot-reload tests make: new versions, broken ones, ones compiled on the spot. */
final class PluginJars {

  /** The LeNet plugin the build produced. */
  static final Path LENET = Path.of("target/plugins/plugin-lenet.jar");

  /** Where PF4J's annotation processor lists a JAR's extension classes. */
  private static final String EXTENSION_INDEX = "META-INF/extensions.idx";

  private PluginJars() {}

  static Path withManifest(Path source, Path target, Map<String, String> attributes)
      throws IOException {
    return PluginJarEditor.withManifest(source, target, attributes);
  }

  static Path withVersion(Path source, Path target, String version) throws IOException {
    return PluginJarEditor.withVersion(source, target, version);
  }

  static Path deploy(Path jar, Path pluginsDir, String name) throws IOException {
    return PluginJarEditor.deploy(jar, pluginsDir, name);
  }

  /**
   * A copy of {@code source} with manifest attributes replaced and only the named extension
   * classes left in its extension index: a plugin providing fewer of its families.
   */
  static Path withExtensions(Path source, Path target, Map<String, String> attributes,
      List<String> extensions) throws IOException {
    try (JarFile in = new JarFile(source.toFile())) {
      Manifest manifest = new Manifest(in.getManifest());
      attributes.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
        Enumeration<JarEntry> entries = in.entries();
        while (entries.hasMoreElements()) {
          JarEntry e = entries.nextElement();
          if (e.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)
              || e.getName().equals(EXTENSION_INDEX)) {
            continue;
          }
          out.putNextEntry(new JarEntry(e.getName()));
          try (InputStream data = in.getInputStream(e)) {
            data.transferTo(out);
          }
          out.closeEntry();
        }
        out.putNextEntry(new JarEntry(EXTENSION_INDEX));
        out.write(String.join("\n", extensions).getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return target;
  }

  /** A zip that is not a JAR: no manifest. */
  static Path withoutManifest(Path target) throws IOException {
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
      out.putNextEntry(new ZipEntry("readme.txt"));
      out.write("no manifest here".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return target;
  }

  /**
   * A plugin compiled from source now: one {@code ModelFamily} class in package
   * {@code broken}, named {@code className}. PF4J's annotation processor writes the extension
   * index as it compiles.
   */
  static Path compiled(Path work, Path target, String pluginId, String version, String className,
      String source) throws IOException {
    Path src = work.resolve("src/broken");
    Path classes = work.resolve("classes-" + className);
    Files.createDirectories(src);
    Files.createDirectories(classes);
    Path file = src.resolve(className + ".java");
    Files.writeString(file, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), file.toString());
    if (rc != 0) {
      throw new IOException("compiling " + className + " failed");
    }
    Manifest manifest = new Manifest();
    Attributes a = manifest.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.putValue("Plugin-Id", pluginId);
    a.putValue("Plugin-Version", version);
    a.putValue("Plugin-Requires", ">=2.0.0 & <3.0.0");
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp), manifest);
        Stream<Path> files = Files.walk(classes)) {
      List<Path> all = new ArrayList<>(files.filter(Files::isRegularFile).toList());
      for (Path f : all) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
    return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Source of a LeNet-named family whose variant matches the bundled config. */
  static String lenetFamilySource(String className, String buildBody) {
    return """
        package broken;

        import io.inferencegw.plugin.api.*;
        import java.util.List;

        @org.pf4j.Extension
        public class %s implements ModelFamily {
          public String name() { return "lenet"; }
          public List<VariantSpec> variants() {
            return List.of(new VariantSpec("lenet5-relu", 1, 28, 28, 10,
                new PreprocessSpec(PreprocessSpec.ColorMode.GRAYSCALE, 28, 28, 28,
                    PreprocessSpec.Interpolation.BILINEAR, new float[] {0.286f},
                    new float[] {0.353f})));
          }
          public ClassifierModule build(String variant) {
            %s
          }
        }
        """.formatted(className, buildBody);
  }

  /**
   * Source of a class {@code className} holding two extensions both named lenet: the class of
   * {@link #lenetFamilySource} twice, as static nested classes (one source file, one class).
   */
  static String lenetFamilyTwiceSource(String className) {
    String single = lenetFamilySource("Lenet", "return null;");
    int start = single.indexOf("@org.pf4j.Extension");
    String family = single.substring(start);
    return single.substring(0, start) + "public class " + className + " {\n"
        + family.replace("public class Lenet", "public static class First")
        + family.replace("public class Lenet", "public static class Second") + "}\n";
  }

  /**
   * Writes {@code jar} into the directory slowly, in chunks, as a slow copy would: the pauses
   * are the slow copy that the watcher must wait out, not a wait for some state.
   */
  static void writeSlowly(Path jar, Path target, int chunks, long pauseMillis)
      throws IOException, InterruptedException {
    byte[] bytes = Files.readAllBytes(jar);
    try (OutputStream out = Files.newOutputStream(target)) {
      int step = (bytes.length + chunks - 1) / chunks;
      for (int off = 0; off < bytes.length; off += step) {
        out.write(bytes, off, Math.min(step, bytes.length - off));
        out.flush();
        Thread.sleep(pauseMillis);
      }
    }
  }

  /** A copy of the LeNet JAR padded with a large stored entry, so that copying it takes a while. */
  static Path padded(Path source, Path target, String version, int padBytes) throws IOException {
    Path versioned = withVersion(source, target.resolveSibling("unpadded-" + target.getFileName()),
        version);
    try (JarFile in = new JarFile(versioned.toFile());
        JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), in.getManifest())) {
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
      JarEntry pad = new JarEntry("padding.bin");
      pad.setMethod(ZipEntry.STORED);
      byte[] zeros = new byte[padBytes];
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(zeros);
      pad.setSize(padBytes);
      pad.setCrc(crc.getValue());
      out.putNextEntry(pad);
      out.write(zeros);
      out.closeEntry();
    }
    Files.delete(versioned);
    return target;
  }
}
