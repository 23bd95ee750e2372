package io.inferencegw.gateway.registry;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The one way to change what is served: every change (a management load or unload, a plugin JAR
 * added, upgraded or removed) runs here, one at a time, in the order submitted; the next starts
 * when the previous one's future completes, whatever its outcome. So an unload cannot interleave
 * with a plugin upgrade whose switch would put the model back, and two loads of one model cannot
 * race for its next version.
 *
 * <p>A change must not submit another change and wait for it: that one would wait behind it.
 */
public final class ModelLifecycle {

  private Future<?> tail = Future.succeededFuture();

  /** Runs {@code change} after every change submitted before it has completed. */
  public synchronized <T> Future<T> change(Supplier<Future<T>> change) {
    Future<T> next = tail.transform(previous -> {
      try {
        return change.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
    tail = next;
    return next;
  }
}
