package io.inferencegw.gateway.worker;

import io.inferencegw.gateway.config.ResourceRef;
import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.weights.WeightLoader;

/**
 * Where a model version's weights come from: a file on disk, memory-mapped by each replica as it
 * loads, or bundled bytes read once and shared by the replicas.
 *
 * @param bytes the weights when they are not a file, else null
 */
public record WeightsSource(ResourceRef ref, byte[] bytes) {

  /** Loads the weights into the network, strictly: every key, shape and dtype must fit. */
  public void loadInto(ClassifierModule module) {
    if (bytes != null) {
      WeightLoader.loadStrict(module, bytes, ref.describe());
    } else {
      WeightLoader.loadStrict(module, ref.path().orElseThrow());
    }
  }
}
