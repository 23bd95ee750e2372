package io.inferencegw.gateway.registry;

import io.inferencegw.gateway.config.ModelConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * What the model manager remembers of each model name besides the versions it serves: the
 * entry the model was last loaded from (kept after an unload, so that it can load again), its
 * version counter (versions only ever count up), whether it waits for a plugin that provides
 * its family, and why its last load failed. One record per name, so a model has one row in the
 * index whatever happened to it.
 */
final class ModelRecords {

  /**
   * @param waitsForPlugin loads when a plugin providing its family arrives
   * @param failure why its last load failed, or null
   */
  private record Record(ModelConfig config, int versions, boolean waitsForPlugin, String failure) {

    Record withConfig(ModelConfig c) {
      return new Record(c, versions, waitsForPlugin, failure);
    }
  }

  private final ConcurrentMap<String, Record> records = new ConcurrentHashMap<>();

  private Record update(ModelConfig config, UnaryOperator<Record> change) {
    return records.compute(config.name(), (name, r) ->
        change.apply(r == null ? new Record(config, 0, false, null) : r.withConfig(config)));
  }

  /** A load of this entry starts: it becomes the model's last config. */
  void loading(ModelConfig config) {
    update(config, r -> r);
  }

  /**
   * No plugin provides the model's family: it loads when one arrives. The newest news of the
   * model, so an earlier failure no longer shows.
   */
  void waitForPlugin(ModelConfig config) {
    update(config, r -> new Record(r.config(), r.versions(), true, null));
  }

  /** The number of the model's next version: 1, 2, 3, ... */
  String nextVersion(ModelConfig config) {
    return Integer.toString(update(config,
        r -> new Record(r.config(), r.versions() + 1, r.waitsForPlugin(), r.failure()))
        .versions());
  }

  /** The model's last load failed; the index shows it FAILED until it loads or is unloaded. */
  void failed(ModelConfig config, String reason) {
    update(config, r -> new Record(r.config(), r.versions(), r.waitsForPlugin(), reason));
  }

  /** A version of the model serves: it neither waits nor has failed. */
  void served(String name) {
    records.computeIfPresent(name, (n, r) -> new Record(r.config(), r.versions(), false, null));
  }

  /**
   * Forgets that the model waits or failed (its config and version counter stay); returns
   * whether it did either.
   */
  boolean forgetStanding(String name) {
    Record before = records.get(name);
    served(name);
    return before != null && (before.waitsForPlugin() || before.failure() != null);
  }

  /** Whether the model waits for its plugin or failed to load. */
  boolean hasStanding(String name) {
    Record r = records.get(name);
    return r != null && (r.waitsForPlugin() || r.failure() != null);
  }

  Optional<ModelConfig> lastConfig(String name) {
    return Optional.ofNullable(records.get(name)).map(Record::config);
  }

  /** Models waiting for a plugin that provides one of these families. */
  List<ModelConfig> waitingFor(Collection<String> families) {
    return records.values().stream()
        .filter(r -> r.waitsForPlugin() && families.contains(r.config().family()))
        .map(Record::config).toList();
  }

  /**
   * One index row per model that waits or failed, unless {@code served} says a version of it
   * is served (that version has its own row): FAILED with the reason if its last load failed,
   * else UNAVAILABLE, waiting for its plugin.
   */
  List<ModelStatus> unserved(Predicate<String> served) {
    List<ModelStatus> out = new ArrayList<>();
    for (Record r : records.values()) {
      ModelConfig c = r.config();
      if (served.test(c.name()) || !(r.waitsForPlugin() || r.failure() != null)) {
        continue;
      }
      out.add(r.failure() != null
          ? new ModelStatus(c.name(), "", c.family(), c.variant(), "", ModelState.FAILED,
              r.failure())
          : new ModelStatus(c.name(), "", c.family(), c.variant(), "", ModelState.UNAVAILABLE,
              "waiting for a plugin that provides family '" + c.family() + "'"));
    }
    return out;
  }
}
