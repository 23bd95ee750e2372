package io.inferencegw.plugin.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bytedeco.pytorch.global.torch;

/**
 * Builds a network whose tensors have shapes and dtypes but no storage (LibTorch's {@code Meta}
 * dispatch key), to read its structure: its parameter count, its state_dict keys and shapes.
 * Nothing is allocated and no initialisation runs, so even a 600M-parameter network takes
 * milliseconds instead of seconds and gigabytes.
 *
 * <p>The build runs on a thread of its own whose thread-local dispatch state includes
 * {@code Meta}: LibTorch cannot take that key out of a thread's state again (removing a key
 * keeps its backend bit, so every later operation on the thread would still dispatch to the
 * meta kernels), so the state is left to die with the thread. Whatever the build made must be
 * used and closed within {@code use}; nothing of it may be computed on.
 */
public final class MetaBuild {

  private MetaBuild() {}

  /** Builds with {@code build} on a meta thread, applies {@code use}, then closes the module. */
  public static <M extends AutoCloseable, R> R inspect(Supplier<M> build, Function<M, R> use) {
    CompletableFuture<R> result = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        torch.tls_set_dispatch_key_included(torch.DispatchKey.Meta, true);
        try (M module = build.get()) {
          result.complete(use.apply(module));
        }
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    }, "meta-build");
    thread.setDaemon(true);
    thread.start();
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building on the meta device", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** Exact number of trainable parameter elements of the variant, counted on a meta build. */
  public static long parameterCount(ModelFamily family, String variant) {
    family.requireVariant(variant);
    return inspect(() -> family.buildForLoading(variant), StateDict::parameterCount);
  }
}
