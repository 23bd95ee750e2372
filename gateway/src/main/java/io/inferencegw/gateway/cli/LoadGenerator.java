package io.inferencegw.gateway.cli;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.bench.RandomWeights;
import io.inferencegw.gateway.bench.SyntheticImages;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.config.ResourceRef;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import io.inferencegw.gateway.client.OipClient;
import io.inferencegw.proto.oip.GRPCInferenceServiceGrpcClient;
import io.inferencegw.proto.oip.InferParameter;
import io.inferencegw.proto.oip.ModelInferRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code gateway bench}: closed-loop load with N concurrent clients, each sending its next image
 * as soon as the previous answer arrives. It starts its own gateway serving the model twice, with
 * dynamic batching and with {@code max_batch_size: 1}, and measures both in alternating rounds of
 * one run, so that the comparison sees the same machine state.
 *
 * <p>By default the model is the bundled LeNet, fed Fashion-MNIST PNGs. With {@code --family}
 * and {@code --variant} it is any catalog variant with its family's random initialisation
 * (written to a temporary checkpoint), fed seeded synthetic JPEGs at the variant's resize size.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure throughput and latency with and without dynamic batching.")
final class LoadGenerator implements Callable<Integer> {

  @Option(names = "--concurrency", defaultValue = "64", description = "concurrent clients (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(names = "--seconds", defaultValue = "10", description = "measured seconds per round and mode (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--warmup-seconds", defaultValue = "3")
  int warmupSeconds;

  @Option(names = "--rounds", defaultValue = "2", description = "alternating rounds (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--max-batch-size", defaultValue = "32")
  int maxBatchSize;

  @Option(names = "--max-queue-delay-us", defaultValue = "0")
  long maxQueueDelayMicros;

  @Option(names = "--family", description = "benchmark a catalog variant (random weights) of this family instead of the bundled LeNet")
  String family;

  @Option(names = "--variant", description = "the variant of --family")
  String variant;

  @Option(names = "--intra-op-threads", defaultValue = "0", description = "LibTorch threads per replica (default: the bundled model's setting; with --family: all cores)")
  int intraOpThreads;

  @Option(names = "--channels-last", negatable = true, defaultValue = "true", fallbackValue = "true", description = "CPU replicas try the channels-last layout (default: ${DEFAULT-VALUE}); --no-channels-last keeps the default layout")
  boolean channelsLast;

  @Option(names = "--api", defaultValue = "batching", description = "what the second mode"
      + " compares with Classify on the batched model: 'batching' (Classify on an unbatched copy)"
      + " or 'oip' (Open Inference Protocol ModelInfer, one BYTES image, top 5 by the"
      + " classification extension) (default: ${DEFAULT-VALUE})")
  String api;

  /** @param oip whether the clients call OIP ModelInfer rather than Classify */
  record Mode(String model, int maxBatchSize, boolean oip) {
    String label() {
      return oip ? model + " (OIP)" : model;
    }
  }

  /** The model under test (served twice) and the images the clients send. */
  record Workload(ModelConfig model, List<byte[]> images) {}

  // the last run's totals over all rounds
  Stats totalBatched;
  Stats totalUnbatched;

  static final class Stats {
    final Histogram latencyMicros = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
    final AtomicLong ok = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong batchSizeSum = new AtomicLong();
    long elapsedNanos;

    void add(Stats o) {
      latencyMicros.add(o.latencyMicros);
      ok.addAndGet(o.ok.get());
      errors.addAndGet(o.errors.get());
      batchSizeSum.addAndGet(o.batchSizeSum.get());
      elapsedNanos += o.elapsedNanos;
    }
  }

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      GatewayConfig bundled = ConfigLoader.loadBundled(GatewayMain.defaultPluginsDir());
      Gateway gateway = Gateway.start(vertx, bundled.withPort(0).withModels(List.of())).await();
      Workload workload = family == null ? bundledLenet(bundled) : catalogVariant(gateway);
      ModelConfig base = workload.model();
      if (intraOpThreads > 0) {
        base = base.withIntraOpThreads(intraOpThreads);
      }
      base = base.withChannelsLast(channelsLast);
      if (!api.equals("batching") && !api.equals("oip")) {
        throw new IllegalArgumentException("--api is batching or oip, not " + api);
      }
      Mode batched = new Mode(base.name(), maxBatchSize, false);
      Mode unbatched = api.equals("oip")
          ? new Mode(base.name(), maxBatchSize, true)
          : new Mode(base.name() + "-unbatched", 1, false);
      gateway.models().load(base.withBatching(base.batching().withMaxBatchSize(maxBatchSize)
          .withMaxQueueDelayMicros(maxQueueDelayMicros))).await();
      if (!unbatched.oip()) { // OIP calls the batched model itself, as Classify does
        gateway.models().load(base.withName(unbatched.model())
            .withBatching(base.batching().withMaxBatchSize(1))).await();
      }
      List<byte[]> images = workload.images();
      System.out.printf(
          "bench: %s/%s, %d concurrent clients, %d s per round and mode, %d rounds, %d images,"
              + " %d cores%n", base.family(), base.variant(), concurrency, seconds, rounds,
          images.size(), Runtime.getRuntime().availableProcessors());
      try (GatewayClient client = new GatewayClient(vertx, "localhost", gateway.port());
          OipClient oip = new OipClient(vertx, "localhost", gateway.port())) {
        clients = new Clients(client, oip);
        totalBatched = new Stats();
        totalUnbatched = new Stats();
        for (int round = 0; round < rounds; round++) {
          for (Mode mode : List.of(batched, unbatched)) {
            run(vertx, client, mode, images, warmupSeconds); // warm-up, discarded
            Stats s = run(vertx, client, mode, images, seconds);
            (mode == batched ? totalBatched : totalUnbatched).add(s);
            print("round " + (round + 1), mode, s);
          }
        }
        System.out.println();
        print("total", batched, totalBatched);
        print("total", unbatched, totalUnbatched);
        if (api.equals("oip")) {
          System.out.printf("throughput ratio OIP/Classify: %.3f%n",
              rate(totalUnbatched) / Math.max(rate(totalBatched), 1e-9));
        } else {
          System.out.printf("throughput ratio batched/unbatched: %.2f%n",
              rate(totalBatched) / Math.max(rate(totalUnbatched), 1e-9));
        }
      }
      gateway.close().await();
    } finally {
      vertx.close().await();
    }
    return 0;
  }

  private static Workload bundledLenet(GatewayConfig bundled) throws Exception {
    if (!FashionMnist.isInstalled()) {
      throw new IllegalStateException(
          "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    }
    FashionMnist test = FashionMnist.testSet();
    List<byte[]> images = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      images.add(test.png(i));
    }
    return new Workload(bundled.models().get(0), images);
  }

  private Workload catalogVariant(Gateway gateway) throws Exception {
    if (variant == null) {
      throw new IllegalArgumentException("--family needs --variant");
    }
    ModelFamily f = gateway.plugins().family(family)
        .orElseThrow(() -> new IllegalArgumentException("no plugin provides family " + family
            + "; known: " + gateway.plugins().familyNames()))
        .family();
    VariantSpec spec = f.requireVariant(variant);
    Path dir = Files.createTempDirectory("bench-");
    dir.toFile().deleteOnExit();
    Path weights = RandomWeights.write(f, variant, dir.resolve(variant + ".safetensors"));
    weights.toFile().deleteOnExit();
    int side = spec.preprocess().resizeShorter();
    List<byte[]> images = SyntheticImages.jpegs(64, side, side, 20240611L);
    // one CPU replica: intra-op threads default to all cores
    ModelConfig model = new ModelConfig(variant, family, variant, ResourceRef.file(weights),
        Optional.empty(), List.of("cpu"), 1, BatchingConfig.DEFAULT);
    return new Workload(model, images);
  }

  private Stats run(Vertx vertx, GatewayClient client, Mode mode, List<byte[]> images, int secs)
      throws Exception {
    Stats stats = new Stats();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(secs);
    List<io.vertx.core.Future<Void>> loops = new ArrayList<>();
    AtomicLong next = new AtomicLong();
    for (int c = 0; c < concurrency; c++) {
      Promise<Void> done = Promise.promise();
      loops.add(done.future());
      vertx.runOnContext(v -> loop(client, mode, images, next, stats, end, done));
    }
    io.vertx.core.Future.all(loops).await();
    stats.elapsedNanos = System.nanoTime() - start;
    return stats;
  }

  private void loop(
      GatewayClient client, Mode mode, List<byte[]> images, AtomicLong next, Stats stats,
      long end, Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete();
      return;
    }
    byte[] image = images.get((int) (next.getAndIncrement() % images.size()));
    long t0 = System.nanoTime();
    (mode.oip() ? modelInfer(clients.oip(), mode, image) : classify(client, mode, image))
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                stats.latencyMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
                stats.ok.incrementAndGet();
                stats.batchSizeSum.addAndGet(ar.result());
              } else {
                stats.errors.incrementAndGet();
              }
              loop(client, mode, images, next, stats, end, done);
            });
  }

  /** Classify; the answer is the batch size the call shared. */
  private static io.vertx.core.Future<Integer> classify(
      GatewayClient client, Mode mode, byte[] image) {
    return client.classify(ClassifyRequest.newBuilder().setModel(mode.model())
            .setImage(ByteString.copyFrom(image)).build())
        .map(r -> r.getTiming().getBatchSize());
  }

  /** ModelInfer with what Classify answers by default; OIP does not report the batch size. */
  private static io.vertx.core.Future<Integer> modelInfer(OipClient oip, Mode mode, byte[] image) {
    ModelInferRequest req = ModelInferRequest.newBuilder().setModelName(mode.model())
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("image")
            .setDatatype("BYTES").addShape(1))
        .addRawInputContents(ByteString.copyFrom(ByteBuffer.allocate(4 + image.length)
            .order(ByteOrder.LITTLE_ENDIAN).putInt(image.length).put(image).array()))
        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
            .setName("probabilities")
            .putParameters("classification", InferParameter.newBuilder().setInt64Param(5).build()))
        .build();
    return oip.call(GRPCInferenceServiceGrpcClient.ModelInfer, req, 0).map(r -> 0);
  }

  private record Clients(GatewayClient classify, OipClient oip) {}

  private Clients clients;

  private static double rate(Stats s) {
    return s.ok.get() / (s.elapsedNanos / 1e9);
  }

  private static void print(String label, Mode mode, Stats s) {
    System.out.printf(
        "%-8s %-26s max_batch=%-3d %9.1f req/s  p50 %7.2f ms  p99 %7.2f ms  mean batch %5.2f  errors %d%n",
        label, mode.label(), mode.maxBatchSize(), rate(s),
        s.latencyMicros.getValueAtPercentile(50) / 1000.0,
        s.latencyMicros.getValueAtPercentile(99) / 1000.0,
        s.ok.get() == 0 ? 0.0 : (double) s.batchSizeSum.get() / s.ok.get(),
        s.errors.get());
  }
}
