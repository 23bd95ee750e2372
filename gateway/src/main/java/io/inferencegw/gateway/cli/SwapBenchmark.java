package io.inferencegw.gateway.cli;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.bench.PluginJarEditor;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.registry.ServedModel;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gateway bench-swap}: plugin upgrades under load. A gateway serves the bundled LeNet
 * from a scratch plugins directory while N clients call it in a closed loop; every few seconds
 * a JAR with a higher Plugin-Version lands in the directory. It reports the time from a JAR
 * landing to its model version serving, and the latency of calls made during a swap (landing
 * until the old version is unloaded) next to calls made in steady state, from the same run.
 */
@Command(name = "bench-swap", mixinStandardHelpOptions = true,
    description = "Measure plugin hot swaps: time to READY, latency during a swap vs steady state.")
final class SwapBenchmark implements Callable<Integer> {

  @Option(names = "--concurrency", defaultValue = "16")
  int concurrency;

  @Option(names = "--swaps", defaultValue = "5")
  int swaps;

  @Option(names = "--steady-seconds", defaultValue = "4", description = "steady state before each swap")
  int steadySeconds;

  @Override
  public Integer call() throws Exception {
    Path plugins = Files.createTempDirectory("bench-swap-plugins");
    Path work = Files.createTempDirectory("bench-swap-jars");
    Path lenet = GatewayMain.defaultPluginsDir().resolve("plugin-lenet.jar");
    PluginJarEditor.deploy(lenet, plugins, "lenet.jar");
    Vertx vertx = Vertx.vertx();
    Histogram steady = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
    Histogram swapping = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
    AtomicLong errors = new AtomicLong();
    AtomicBoolean inSwap = new AtomicBoolean();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Long> readyMillis = new ArrayList<>();
    try {
      Gateway gateway = Gateway.start(vertx, ConfigLoader.loadBundled(plugins).withPort(0)).await();
      FashionMnist data = FashionMnist.testSet();
      byte[][] images = new byte[256][];
      for (int i = 0; i < images.length; i++) {
        images[i] = data.png(i);
      }
      try (GatewayClient client = new GatewayClient(vertx, "localhost", gateway.port())) {
        List<Future<Void>> loops = new ArrayList<>();
        AtomicLong next = new AtomicLong();
        for (int c = 0; c < concurrency; c++) {
          Promise<Void> done = Promise.promise();
          loops.add(done.future());
          vertx.runOnContext(v -> loop(client, images, next, running, inSwap, steady, swapping,
              errors, done));
        }
        for (int s = 1; s <= swaps; s++) {
          Thread.sleep(TimeUnit.SECONDS.toMillis(steadySeconds));
          ServedModel before = gateway.models().resolve("fashion-lenet", "").orElseThrow();
          Path jar = PluginJarEditor.withVersion(lenet, work.resolve("lenet.jar"), "1.0." + s);
          inSwap.set(true);
          long landed = System.nanoTime();
          PluginJarEditor.deploy(jar, plugins, "lenet.jar");
          while (gateway.models().resolve("fashion-lenet", "").orElseThrow() == before) {
            Thread.sleep(5);
          }
          readyMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - landed));
          while (gateway.models().index().stream().anyMatch(m -> m.version().equals(before.version()))) {
            Thread.sleep(5);
          }
          inSwap.set(false);
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(steadySeconds));
        running.set(false);
        Future.all(loops).await();
      }
      gateway.close().await();
    } finally {
      vertx.close().await();
      try (Stream<Path> files = Stream.concat(Files.walk(plugins), Files.walk(work))) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.out.printf("bench-swap: %d clients, %d swaps, %d s steady state before each%n",
        concurrency, swaps, steadySeconds);
    System.out.printf("jar landed -> new version serving: %s ms (includes the %d ms settle wait)%n",
        readyMillis, 1000);
    print("steady", steady);
    print("during swap", swapping);
    System.out.printf("failed calls: %d%n", errors.get());
    return errors.get() == 0 ? 0 : 1;
  }

  private static void print(String label, Histogram h) {
    System.out.printf("%-12s calls %7d  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms%n", label,
        h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        h.getMaxValue() / 1000.0);
  }

  private void loop(GatewayClient client, byte[][] images, AtomicLong next, AtomicBoolean running,
      AtomicBoolean inSwap, Histogram steady, Histogram swapping, AtomicLong errors,
      Promise<Void> done) {
    if (!running.get()) {
      done.complete();
      return;
    }
    byte[] image = images[(int) (next.getAndIncrement() % images.length)];
    ClassifyRequest req = ClassifyRequest.newBuilder().setModel("fashion-lenet")
        .setImage(ByteString.copyFrom(image)).build();
    boolean duringSwap = inSwap.get();
    long t0 = System.nanoTime();
    client.classify(req).onComplete(ar -> {
      long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
      if (ar.succeeded()) {
        (duringSwap || inSwap.get() ? swapping : steady).recordValue(micros);
      } else {
        errors.incrementAndGet();
      }
      loop(client, images, next, running, inSwap, steady, swapping, errors, done);
    });
  }
}
