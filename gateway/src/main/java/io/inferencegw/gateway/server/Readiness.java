package io.inferencegw.gateway.server;

import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.ModelState;

/**
 * Whether the gateway takes new requests, for health checks and load balancers: every served
 * model is READY and the gateway is not shutting down. Shutting down turns it false first of
 * all, and carries the grace period the frontends give the calls in flight.
 */
final class Readiness {

  private final ModelManager models;
  private volatile long shutdownGraceMillis = -1;

  Readiness(ModelManager models) {
    this.models = models;
  }

  boolean isReady() {
    return shutdownGraceMillis < 0
        && models.models().stream().allMatch(m -> m.state() == ModelState.READY);
  }

  void shuttingDown(long graceMillis) {
    shutdownGraceMillis = Math.max(0, graceMillis);
  }

  /** How long the frontends let calls in flight finish once the port stops accepting. */
  long shutdownGraceMillis() {
    return Math.max(0, shutdownGraceMillis);
  }
}
