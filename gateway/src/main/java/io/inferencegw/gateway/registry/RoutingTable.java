package io.inferencegw.gateway.registry;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which version of each model requests go to: the current one per name, and versions draining
 * after they were replaced or unloaded. Read by every request on the event loops; written only
 * by the model lifecycle ({@link ModelManager}).
 */
final class RoutingTable {

  private final Map<String, ServedModel> current = new ConcurrentHashMap<>();
  private final List<ServedModel> draining = new CopyOnWriteArrayList<>();

  /**
   * The version a request names: an empty version means the current one; a pinned version may
   * also be one that is draining (the caller answers UNAVAILABLE for it). A model being unloaded
   * stays visible (as DRAINING) until it is gone, so that callers get UNAVAILABLE during the
   * drain and NOT_FOUND only afterwards.
   */
  Optional<ServedModel> resolve(String name, String version) {
    ServedModel m = current.get(name);
    if (m != null && (version.isEmpty() || version.equals(m.version()))) {
      return Optional.of(m);
    }
    return draining.stream()
        .filter(d -> d.name().equals(name) && (version.isEmpty() || d.version().equals(version)))
        .findFirst();
  }

  boolean serves(String name) {
    return current.containsKey(name);
  }

  Collection<ServedModel> current() {
    return List.copyOf(current.values());
  }

  List<ServedModel> draining() {
    return List.copyOf(draining);
  }

  /** Routes the name to this version; returns the version it replaces, or null. */
  ServedModel route(ServedModel model) {
    return current.put(model.name(), model);
  }

  /** Stops routing to the name; returns the version that was current, or null. */
  ServedModel remove(String name) {
    return current.remove(name);
  }

  /** Stops routing to this version if it is still the current one. */
  boolean remove(ServedModel model) {
    return current.remove(model.name(), model);
  }

  void startDraining(ServedModel model) {
    draining.add(model);
  }

  void drained(ServedModel model) {
    draining.remove(model);
  }
}
