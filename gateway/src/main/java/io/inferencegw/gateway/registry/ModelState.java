package io.inferencegw.gateway.registry;

/** Lifecycle of a served model version, as the management API reports it. */
public enum ModelState {
  LOADING,
  READY,
  DRAINING,
  UNAVAILABLE,
  FAILED
}
