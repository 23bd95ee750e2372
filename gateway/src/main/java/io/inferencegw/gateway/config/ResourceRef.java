package io.inferencegw.gateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file the config points at: on disk, or bundled inside the gateway jar (the default model
 * ships that way, so that the jar alone serves it).
 */
public sealed interface ResourceRef {

  /** Reads the whole resource. */
  byte[] readAllBytes() throws IOException;

  /** The file on disk, when there is one (large weights are memory-mapped from it). */
  Optional<Path> path();

  String describe();

  static ResourceRef file(Path path) {
    return new FileRef(path);
  }

  static ResourceRef classpath(String name) {
    return new ClasspathRef(name);
  }

  record FileRef(Path file) implements ResourceRef {
    @Override
    public byte[] readAllBytes() throws IOException {
      return Files.readAllBytes(file);
    }

    @Override
    public Optional<Path> path() {
      return Optional.of(file);
    }

    @Override
    public String describe() {
      return file.toString();
    }
  }

  record ClasspathRef(String name) implements ResourceRef {
    @Override
    public byte[] readAllBytes() throws IOException {
      try (InputStream in = ResourceRef.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new IOException("bundled resource " + name + " is missing from the gateway jar");
        }
        return in.readAllBytes();
      }
    }

    @Override
    public Optional<Path> path() {
      return Optional.empty();
    }

    @Override
    public String describe() {
      return "bundled:" + name;
    }
  }
}
