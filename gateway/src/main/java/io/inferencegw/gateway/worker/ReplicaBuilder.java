package io.inferencegw.gateway.worker;

import io.inferencegw.gateway.config.ConfigException;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.VariantSpec;
import java.util.function.Supplier;

/**
 * Builds one replica of a model version, on the thread of the device worker that will run it:
 * the thread's LibTorch thread count, the family's network, the weights (strictly), and the
 * batch runner that owns them.
 */
public record ReplicaBuilder(ModelConfig config, String version, VariantSpec spec,
    ModelFamily family, WeightsSource weights, String device, InputLimits limits)
    implements Supplier<BatchRunner> {

  @Override
  public BatchRunner get() {
    // Refused before anything is built: the device cannot run the precision at any speed worth
    // serving, and the message says so rather than a slow or failing replica later.
    PrecisionSupport.ofThisMachine().refusal(config.name(), config.precision(), device)
        .ifPresent(reason -> {
          throw new ConfigException(reason);
        });
    if (device.equals("cpu")) {
      // OpenMP's thread count is per calling thread: this sets it for this worker only.
      org.bytedeco.pytorch.global.torch.set_num_threads(config.cpuThreadsPerReplica());
    }
    BuiltNetwork network = BuiltNetwork.build(() -> family.buildForLoading(spec.name()));
    try {
      weights.loadInto(network.module());
      return new BatchRunner(config.name(), version, spec, network, device,
          new ModelInputPreparer(spec, limits, config.preprocessing()), config.channelsLast(),
          new ReplicaPrecision(config.name(), version, config.precision(),
              config.precisionMinTop1Agreement()));
    } catch (RuntimeException e) {
      network.close();
      throw e;
    }
  }
}
