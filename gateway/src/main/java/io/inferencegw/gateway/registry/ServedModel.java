package io.inferencegw.gateway.registry;

import io.inferencegw.gateway.batching.BatchProfile;
import io.inferencegw.gateway.batching.ModelQueue;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.plugin.api.VariantSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One version of one served model: its config, the variant it runs, its labels, its queue and
 * the deployments of its device workers.
 */
public final class ServedModel {

  private final ModelConfig config;
  private final PluginRegistry.LoadedFamily family;
  private final String version;
  private final VariantSpec spec;
  private final List<String> labels;
  private final ModelQueue queue;
  private final List<String> workerDeployments = new CopyOnWriteArrayList<>();
  private final Map<String, ReplicaProfile> profiles = new ConcurrentSkipListMap<>();
  private volatile ModelState state = ModelState.LOADING;
  private volatile String reason = "";

  ServedModel(
      ModelConfig config, PluginRegistry.LoadedFamily family, String version, VariantSpec spec,
      List<String> labels, ModelQueue queue) {
    this.config = config;
    this.family = family;
    this.version = version;
    this.spec = spec;
    this.labels = List.copyOf(labels);
    this.queue = queue;
  }

  public String name() {
    return config.name();
  }

  public String version() {
    return version;
  }

  public ModelConfig config() {
    return config;
  }

  /** The plugin whose family built this version's replicas. */
  public LoadedPlugin plugin() {
    return family.plugin();
  }

  public VariantSpec spec() {
    return spec;
  }

  public ModelQueue queue() {
    return queue;
  }

  public ModelState state() {
    return state;
  }

  public String reason() {
    return reason;
  }

  void state(ModelState newState, String why) {
    this.state = newState;
    this.reason = why;
  }

  List<String> workerDeployments() {
    return workerDeployments;
  }

  /** The label of a class index: from the labels file, or the index itself. */
  public String label(int index) {
    return index < labels.size() ? labels.get(index) : Integer.toString(index);
  }

  /** A replica's batch profile, measured on its device at warm-up. */
  public record ReplicaProfile(String worker, String device, BatchProfile profile) {}

  void profiled(ReplicaProfile replica) {
    profiles.put(replica.worker(), replica);
  }

  /** The batch profiles of the replicas that finished warming up, by worker name. */
  public List<ReplicaProfile> replicaProfiles() {
    return List.copyOf(profiles.values());
  }
}
