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
 * @param precision number format the replicas compute in; a device without the hardware for it
 *     refuses the model at load (see {@code PrecisionSupport})
 * @param precisionMinTop1Agreement share of the warm-up probe images whose top-1 class must be
 *     the same in {@code precision} as in fp32, or the load is refused; ignored for fp32
 * @param preprocessing how encoded images are decoded: exactly as torchvision, or JPEGs at
 *     reduced scale (see {@link PreprocessingMode})
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
    boolean channelsLast,
    Precision precision,
    double precisionMinTop1Agreement,
    PreprocessingMode preprocessing) {

  /**
   * LibTorch threads per CPU replica. 0 is the automatic default. 256 covers the largest
   * single-host CPUs (two 128-thread sockets); more threads than cores only oversubscribe them,
   * and tens of thousands made OpenMP crash the JVM while starting its thread pool.
   */
  public static final ConfigRange INTRA_OP_THREADS = new ConfigRange("intra_op_threads", 0, 256);

  /**
   * Replicas per device. Each holds its own copy of the network and a worker thread; beyond 32
   * on one device they only compete for the same cores or GPU streams.
   */
  public static final ConfigRange INSTANCES = new ConfigRange("instances", 1, 32);

  /**
   * {@code instances} when the config gives none: two replicas for a model served on the CPU
   * only (one on a single core), each on half the cores; one per device otherwise.
   *
   * <p>Two CPU replicas pulling from one queue serve more than one replica with all the cores,
   * at little cost to a lone request: while one runs its forward pass the other assembles its batch
   * and answers the last one, and each pass runs on fewer threads, which waste less waiting for
   * each other. Measured on 2 cores (docs/benchmarks.md, "Replicas"): 1.29 times the requests
   * per second of one replica for mobilenet_v3_large and 1.80 for resnet50 under 32 callers, a
   * lone caller within 5 %. The price is a second copy of the weights.
   */
  public static int defaultInstances(List<String> devices) {
    boolean cpuOnly = devices.stream().allMatch("cpu"::equals);
    return cpuOnly ? Math.min(2, Runtime.getRuntime().availableProcessors()) : 1;
  }

  /** Entries of {@code devices}: a node has at most 16 GPUs (DGX, HGX), plus {@code cpu}. */
  public static final ConfigRange DEVICE_COUNT = new ConfigRange("devices (number of entries)", 1, 16);

  /**
   * OpenMP threads all CPU replicas of one model start together ({@code intra_op_threads} times
   * the CPU replicas): bounded so that no combination of the two limits above reaches the
   * thread counts that crash the process.
   */
  public static final ConfigRange CPU_THREADS_PER_MODEL =
      new ConfigRange("intra_op_threads x CPU replicas (instances x cpu entries in devices)", 0,
          1024);

  /**
   * Default for {@code precision_min_top1_agreement}: 15 of the 16 probe images. Where bf16 or
   * fp16 works, the probe's top-1 agrees with fp32 on all or all but one of them (a probe image
   * whose two best classes are closer than the format's rounding may flip); a broken conversion
   * (overflow to inf/NaN, a layer that loses its scale) flips most of them.
   */
  public static final double DEFAULT_MIN_TOP1_AGREEMENT = 0.9;

  public ModelConfig(String name, String family, String variant, ResourceRef weights,
      Optional<ResourceRef> labels, List<String> devices, int instances, BatchingConfig batching) {
    this(name, family, variant, weights, labels, devices, instances, batching, 0, true);
  }

  public ModelConfig(String name, String family, String variant, ResourceRef weights,
      Optional<ResourceRef> labels, List<String> devices, int instances, BatchingConfig batching,
      int intraOpThreads, boolean channelsLast) {
    this(name, family, variant, weights, labels, devices, instances, batching, intraOpThreads,
        channelsLast, Precision.FP32, DEFAULT_MIN_TOP1_AGREEMENT, PreprocessingMode.DEFAULT);
  }

  public ModelConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(batching, "batching");
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(preprocessing, "preprocessing");
    SafeNames.require("name", name);
    SafeNames.require("family", family);
    SafeNames.require("variant", variant);
    devices = List.copyOf(devices);
    DEVICE_COUNT.check(devices.size());
    for (String d : devices) {
      if (!Devices.isValid(d)) {
        throw new ConfigException("devices: each entry must be 'cpu' or 'cuda:N' with N from 0 to "
            + Devices.MAX_CUDA_INDEX);
      }
    }
    INTRA_OP_THREADS.check(intraOpThreads);
    INSTANCES.check(instances);
    if (!(precisionMinTop1Agreement >= 0 && precisionMinTop1Agreement <= 1)) {
      throw new ConfigException("precision_min_top1_agreement must be between 0 and 1, got "
          + precisionMinTop1Agreement);
    }
    long cpuReplicas = devices.stream().filter("cpu"::equals).count() * instances;
    if (intraOpThreads * cpuReplicas > CPU_THREADS_PER_MODEL.max()) {
      throw new ConfigException(CPU_THREADS_PER_MODEL.key() + " must be at most "
          + CPU_THREADS_PER_MODEL.max() + ", got " + intraOpThreads + " x " + cpuReplicas);
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
        intraOpThreads, channelsLast, precision, precisionMinTop1Agreement, preprocessing);
  }

  public ModelConfig withName(String newName) {
    return new ModelConfig(newName, family, variant, weights, labels, devices, instances, batching,
        intraOpThreads, channelsLast, precision, precisionMinTop1Agreement, preprocessing);
  }

  public ModelConfig withIntraOpThreads(int threads) {
    return new ModelConfig(name, family, variant, weights, labels, devices, instances, batching,
        threads, channelsLast, precision, precisionMinTop1Agreement, preprocessing);
  }

  public ModelConfig withChannelsLast(boolean enabled) {
    return new ModelConfig(name, family, variant, weights, labels, devices, instances, batching,
        intraOpThreads, enabled, precision, precisionMinTop1Agreement, preprocessing);
  }

  public ModelConfig withPlacement(List<String> newDevices, int newInstances) {
    return new ModelConfig(
        name, family, variant, weights, labels, newDevices, newInstances, batching, intraOpThreads,
        channelsLast, precision, precisionMinTop1Agreement, preprocessing);
  }

  public ModelConfig withPrecision(Precision newPrecision, double minTop1Agreement) {
    return new ModelConfig(name, family, variant, weights, labels, devices, instances, batching,
        intraOpThreads, channelsLast, newPrecision, minTop1Agreement, preprocessing);
  }

  public ModelConfig withPreprocessing(PreprocessingMode mode) {
    return new ModelConfig(name, family, variant, weights, labels, devices, instances, batching,
        intraOpThreads, channelsLast, precision, precisionMinTop1Agreement, mode);
  }
}
