package io.inferencegw.gateway.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One served model, as a config entry describes it.
 *
 * @param name what clients put in {@code ClassifyRequest.model}
 * @param family a family some plugin provides
 * @param variant a variant of that family
 * @param weights safetensors file with the network's state_dict
 * @param labels optional file with one label per line; without it labels are the indices
 * @param devices devices to place replicas on ({@code cpu}, {@code cuda:0}, ...)
 * @param instances replicas per device
 * @param batching dynamic batching settings
 * @param intraOpThreads LibTorch threads per CPU replica; 0 means the cores divided among this
 *     model's CPU replicas. Small networks run best on 1: splitting each tiny op across threads
 *     costs more than it saves, and on busy cores every op waits for the slowest thread.
 * @param channelsLast run CPU replicas with channels-last convolution weights and inputs (faster
 *     for convolutional networks); a replica whose output differs in that layout keeps the
 *     default one (see {@code BatchRunner})
 */
public record ModelConfig(
    String name,
    String family,
    String variant,
    ResourceRef weights,
    Optional<ResourceRef> labels,
    List<String> devices,
    int instances,
    BatchingConfig batching,
    int intraOpThreads,
    boolean channelsLast) {

  public ModelConfig(String name, String family, String variant, ResourceRef weights,
      Optional<ResourceRef> labels, List<String> devices, int instances, BatchingConfig batching) {
    this(name, family, variant, weights, labels, devices, instances, batching, 0, true);
  }

  public ModelConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(weights, "weights");
    devices = List.copyOf(devices);
    if (devices.isEmpty()) {
      throw new ConfigException("model " + name + ": devices must name at least one device");
    }
    for (String d : devices) {
      if (!Devices.isValid(d)) {
        throw new ConfigException(
            "model " + name + ": device '" + d + "' is not 'cpu' or 'cuda:N'");
      }
    }
    if (intraOpThreads < 0) {
      throw new ConfigException("model " + name + ": intra_op_threads must not be negative");
    }
    if (instances < 1) {
      throw new ConfigException("model " + name + ": instances must be at least 1");
    }
  }

  /** LibTorch intra-op threads for each CPU replica, with the default resolved. */
  public int cpuThreadsPerReplica() {
    if (intraOpThreads > 0) {
      return intraOpThreads;
    }
    long cpuReplicas = devices.stream().filter("cpu"::equals).count() * instances;
    return (int) Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, cpuReplicas));
  }

  public ModelConfig withBatching(BatchingConfig newBatching) {
    return new ModelConfig(name, family, variant, weights, labels, devices, instances, newBatching,
        intraOpThreads, channelsLast);
  }

  public ModelConfig withName(String newName) {
    return new ModelConfig(newName, family, variant, weights, labels, devices, instances, batching,
        intraOpThreads, channelsLast);
  }

  public ModelConfig withIntraOpThreads(int threads) {
    return new ModelConfig(name, family, variant, weights, labels, devices, instances, batching,
        threads, channelsLast);
  }

  public ModelConfig withChannelsLast(boolean enabled) {
    return new ModelConfig(name, family, variant, weights, labels, devices, instances, batching,
        intraOpThreads, enabled);
  }

  public ModelConfig withPlacement(List<String> newDevices, int newInstances) {
    return new ModelConfig(
        name, family, variant, weights, labels, newDevices, newInstances, batching, intraOpThreads,
        channelsLast);
  }
}
