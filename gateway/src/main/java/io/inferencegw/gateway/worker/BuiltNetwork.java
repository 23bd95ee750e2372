package io.inferencegw.gateway.worker;

import io.inferencegw.plugin.api.ClassifierModule;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;

/**
 * A network together with every JavaCPP object its build created, freed together on close.
 *
 * <p>Why: a network written in Java holds each submodule twice, through its parent's registry and
 * through the Java object its block keeps in a field (each a native shared pointer), and blocks
 * keep parameter tensors in fields too. Closing the network drops only the first; the weights
 * then stayed allocated until the garbage collector happened to find the Java objects, which
 * after an unload with a quiet heap may take hours: a network of four 4096x4096 Linear layers
 * kept all its 256 MiB of weights after close, until {@code System.gc()}. The build runs inside
 * a {@link PointerScope} that collects those objects, and closing releases them at once.
 */
public final class BuiltNetwork implements AutoCloseable {

  private final ClassifierModule module;
  /** What the build created, or null for a network built elsewhere. */
  private final PointerScope created;

  private BuiltNetwork(ClassifierModule module, PointerScope created) {
    this.module = module;
    this.created = created;
  }

  /**
   * Runs {@code build} on this thread and keeps every native object it created. Only the build:
   * what the caller creates later (weights loaded from a file, a batch's tensors) is not kept.
   */
  public static BuiltNetwork build(Supplier<? extends ClassifierModule> build) {
    PointerScope scope = new PointerScope();
    ClassifierModule module;
    try {
      module = build.get();
    } catch (RuntimeException | Error e) {
      scope.close();
      throw e;
    }
    // Takes the scope off this thread's stack, keeping what it holds (extend makes close do
    // only that), so that nothing created after the build is attached to it.
    scope.extend();
    scope.close();
    return new BuiltNetwork(module, scope);
  }

  /** A network whose build this class did not see: closing closes the network only. */
  public static BuiltNetwork of(ClassifierModule module) {
    return new BuiltNetwork(module, null);
  }

  public ClassifierModule module() {
    return module;
  }

  /** Frees the network, then every object its build created that holds native memory. */
  @Override
  public void close() {
    // the scope (skipped when null) is closed after the module, also when closing that throws
    try (PointerScope scope = created) {
      module.close();
    }
  }
}
