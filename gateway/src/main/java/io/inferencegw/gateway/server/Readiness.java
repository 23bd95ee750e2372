package io.inferencegw.gateway.server;

import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.ModelState;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Whether the gateway takes new requests, for health checks and load balancers: every served
 * model is READY and the gateway is not shutting down. Shutting down turns it false first of
 * all, and carries the grace period the frontends give the calls in flight.
 */
final class Readiness {

  private final ModelManager models;
  private volatile long shutdownGraceMillis = -1;
  private final List<Runnable> shutdownListeners = new CopyOnWriteArrayList<>();

  Readiness(ModelManager models) {
    this.models = models;
  }

  boolean isReady() {
    return shutdownGraceMillis < 0
        && models.models().stream().allMatch(m -> m.state() == ModelState.READY);
  }

  void shuttingDown(long graceMillis) {
    shutdownGraceMillis = Math.max(0, graceMillis);
    shutdownListeners.forEach(Runnable::run);
  }

  /**
   * Runs {@code listener} when shutting down starts (on the thread that starts it, before the
   * port closes): for those who must tell clients at once, such as gRPC health watches.
   */
  void onShuttingDown(Runnable listener) {
    shutdownListeners.add(listener);
  }

  /** How long the frontends let calls in flight finish once the port stops accepting. */
  long shutdownGraceMillis() {
    return Math.max(0, shutdownGraceMillis);
  }
}
