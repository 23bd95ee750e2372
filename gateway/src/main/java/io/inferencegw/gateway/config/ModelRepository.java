package io.inferencegw.gateway.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The folder weights and labels files are served from (config key {@code model_repository}).
 * Every file a config entry or a management call names resolves inside it: relative names
 * against it, absolute ones only if they lie in it. A name with a {@code ..} segment or one that
 * leads elsewhere is refused before anything on disk is touched, so the answer says nothing
 * about what exists outside. Symbolic links are followed only to decide where they end: a link
 * whose target lies outside (or is dangling) is refused like a path outside.
 *
 * <p>Refusals quote the name the caller gave and say nothing else about it: the answer for a
 * path outside is the same whether or not something exists there. No message quotes the
 * content of a file.
 */
public final class ModelRepository implements FileResolver {

  private final Path root;

  public ModelRepository(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /**
   * The text with this folder's location taken out of the paths in it, so that messages for
   * remote callers name files as they would (relative to the repository) and do not tell where
   * the repository lies on the server's disk.
   */
  public String hideLocation(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (Path p : new Path[] {realRootOrNull(), root}) {
      if (p != null) {
        out = out.replace(p + java.io.File.separator, "");
      }
    }
    return out;
  }

  private Path realRootOrNull() {
    try {
      return root.toRealPath();
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public ResourceRef resolve(String key, String name) {
    if (name.isEmpty() || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new ConfigException(key + " must be a file name without control characters");
    }
    Path given;
    try {
      given = Path.of(name);
    } catch (InvalidPathException e) {
      throw new ConfigException(key + " is not a valid file name");
    }
    for (Path segment : given) {
      if (segment.toString().equals("..")) {
        throw outside(key, name);
      }
    }
    Path file = root.resolve(given).normalize();
    if (!file.startsWith(root)) {
      throw outside(key, name);
    }
    // From here on the path lies inside the root: touching it reveals nothing outside.
    Path realRoot = realRoot();
    Path real;
    try {
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      if (passesThroughLink(file)) {
        throw outside(key, name); // a dangling link: where it points is not ours to tell
      }
      throw new ConfigException(key + " '" + name + "': no such file in the model repository");
    } catch (IOException e) {
      throw new ConfigException(key + " '" + name + "' cannot be accessed in the model repository");
    }
    if (!real.startsWith(realRoot)) {
      throw outside(key, name);
    }
    if (!Files.isRegularFile(real)) {
      throw new ConfigException(key + " '" + name + "' is not a regular file");
    }
    return ResourceRef.file(real);
  }

  private Path realRoot() {
    try {
      return root.toRealPath();
    } catch (IOException e) {
      throw new ConfigException("the model repository " + root + " does not exist or cannot be"
          + " read (config key model_repository)");
    }
  }

  /** Whether the file or a folder between the root and it is a symbolic link. */
  private boolean passesThroughLink(Path file) {
    for (Path p = file; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        return true;
      }
    }
    return false;
  }

  private static OutsideRepositoryException outside(String key, String name) {
    return new OutsideRepositoryException(key + " '" + name + "' is not inside the model"
        + " repository: name a file in it (relative to it, without '..')");
  }
}
