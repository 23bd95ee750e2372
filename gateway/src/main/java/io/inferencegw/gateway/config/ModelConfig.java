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
 */
public record ModelConfig(
    String name,
    String family,
    String variant,
    ResourceRef weights,
    Optional<ResourceRef> labels,
    List<String> devices,
    int instances,
    BatchingConfig batching) {

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
    if (instances < 1) {
      throw new ConfigException("model " + name + ": instances must be at least 1");
    }
  }

  public ModelConfig withBatching(BatchingConfig newBatching) {
    return new ModelConfig(name, family, variant, weights, labels, devices, instances, newBatching);
  }

  public ModelConfig withName(String newName) {
    return new ModelConfig(newName, family, variant, weights, labels, devices, instances, batching);
  }

  public ModelConfig withPlacement(List<String> newDevices, int newInstances) {
    return new ModelConfig(
        name, family, variant, weights, labels, newDevices, newInstances, batching);
  }
}
