package io.inferencegw.gateway.cli;

import io.inferencegw.gateway.client.FrameStreamClient;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.config.PreprocessingMode;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.gateway.stream.StreamPolicy;
import io.inferencegw.gateway.worker.CpuInfo;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code gateway bench-streams}: N WebSocket video streams, each sending frames at a fixed rate
 * (a camera does not wait for answers), against its own in-process gateway serving the bundled
 * LeNet. For each stream count and policy it reports the frames answered per second, the
 * latency from sending a frame to its ok reply, and the share of frames skipped.
 */
@Command(name = "bench-streams", mixinStandardHelpOptions = true,
    description = "Measure WebSocket frame streams: N streams at a fixed fps, per policy.")
final class StreamLoadGenerator implements Callable<Integer> {

  enum FrameKind {
    /** The 28x28 Fashion-MNIST test images as PNG, a few hundred bytes each. */
    MNIST,
    /** The same images scaled up to 640x480 camera frames, as JPEG: decoding costs more. */
    VGA
  }

  @Option(names = "--streams", split = ",", defaultValue = "1,8,32",
      description = "stream counts to measure (default: ${DEFAULT-VALUE})")
  List<Integer> streamCounts;

  @Option(names = "--policies", split = ",", defaultValue = "latest,all", converter = PolicyName.class,
      description = "policies to measure (default: ${DEFAULT-VALUE})")
  List<StreamPolicy> policies;

  @Option(names = "--fps", defaultValue = "30", description = "frames per second per stream (default: ${DEFAULT-VALUE})")
  double fps;

  @Option(names = "--frames", defaultValue = "mnist", converter = FrameKindName.class,
      description = "frame kind: mnist (28x28 PNG) or vga (640x480 JPEG) (default: mnist)")
  FrameKind frameKind;

  @Option(names = "--preprocessing", converter = PreprocessingName.class,
      description = "the served model's preprocessing, exact or fast (default: the config default)")
  PreprocessingMode preprocessing;

  @Option(names = "--seconds", defaultValue = "10", description = "measured seconds per run (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--warmup-seconds", defaultValue = "3")
  int warmupSeconds;

  /** Policies by their query-string names, {@code latest} and {@code all}. */
  static final class PolicyName implements ITypeConverter<StreamPolicy> {
    @Override
    public StreamPolicy convert(String value) {
      return StreamPolicy.valueOf(value.toUpperCase(Locale.ROOT));
    }
  }

  static final class PreprocessingName implements ITypeConverter<PreprocessingMode> {
    @Override
    public PreprocessingMode convert(String value) {
      return PreprocessingMode.parse(value);
    }
  }

  static final class FrameKindName implements ITypeConverter<FrameKind> {
    @Override
    public FrameKind convert(String value) {
      return FrameKind.valueOf(value.toUpperCase(Locale.ROOT));
    }
  }

  /** Replies of one run, counted only inside its measured window. */
  static final class Stats {
    final Histogram latencyMicros = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
    final AtomicLong sent = new AtomicLong();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong batchSizeSum = new AtomicLong();
    final AtomicBoolean measuring = new AtomicBoolean();
    /** The gateway's own timing of ok replies: waiting for a batch, and running it. */
    final Histogram queueUs = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);
    final Histogram computeUs = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(60), 3);

    void record(FrameStreamClient.Reply reply) {
      if (!measuring.get() || reply.isControl()) {
        return;
      }
      switch (reply.status()) {
        case "ok" -> {
          ok.incrementAndGet();
          latencyMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(reply.latencyNanos()));
          batchSizeSum.addAndGet(reply.json().getInteger("batch_size"));
          queueUs.recordValue(reply.json().getLong("queue_us"));
          computeUs.recordValue(reply.json().getLong("compute_us"));
        }
        case "skipped" -> skipped.incrementAndGet();
        default -> errors.incrementAndGet();
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    if (!FashionMnist.isInstalled()) {
      System.err.println("bench-streams: Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
      return 2;
    }
    List<byte[]> frames = frames(FashionMnist.testSet(), frameKind);
    Vertx vertx = Vertx.vertx();
    try {
      GatewayConfig cfg = ConfigLoader.loadBundled(GatewayMain.defaultPluginsDir()).withPort(0);
      if (preprocessing != null) {
        cfg = cfg.withModels(List.of(cfg.models().get(0).withPreprocessing(preprocessing)));
      }
      Gateway gateway = Gateway.start(vertx, cfg).await();
      String model = cfg.models().get(0).name();
      WebSocketClient client = vertx.createWebSocketClient();
      System.out.printf("bench-streams: model %s (preprocessing %s), %s frames (%d bytes on average),"
              + " %.0f fps per stream, %d s measured after %d s warm-up, %d cores%n",
          model, cfg.models().get(0).preprocessing().configName(),
          frameKind.name().toLowerCase(), frames.stream().mapToInt(f -> f.length).sum() / frames.size(),
          fps, seconds, warmupSeconds, Runtime.getRuntime().availableProcessors());
      CpuInfo.ofThisMachine().print();
      System.out.println();
      // Latency is client-side, from sending a frame to its ok reply; queue and compute are
      // the gateway's own split of that time (queue_us and compute_us of the replies).
      System.out.println("| streams | policy | offered fps | answered/s | computed (ok)/s"
          + " | p50 ms | p99 ms | skipped | errors | mean batch | queue p50 ms | compute p50 ms |");
      System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (int n : streamCounts) {
        for (StreamPolicy policy : policies) {
          Stats s = run(vertx, client, gateway.port(), model, policy, n, frames);
          long answered = s.ok.get() + s.skipped.get() + s.errors.get();
          System.out.printf("| %d | %s | %.0f | %.1f | %.1f | %.2f | %.2f | %.1f%% | %d | %.2f | %.2f | %.2f |%n",
              n, policy.label(), n * fps, answered / (double) seconds, s.ok.get() / (double) seconds,
              s.latencyMicros.getValueAtPercentile(50) / 1000.0,
              s.latencyMicros.getValueAtPercentile(99) / 1000.0,
              answered == 0 ? 0.0 : 100.0 * s.skipped.get() / answered, s.errors.get(),
              s.ok.get() == 0 ? 0.0 : s.batchSizeSum.get() / (double) s.ok.get(),
              s.queueUs.getValueAtPercentile(50) / 1000.0,
              s.computeUs.getValueAtPercentile(50) / 1000.0);
        }
      }
      client.close().await();
      gateway.close().await();
    } finally {
      vertx.close().await();
    }
    return 0;
  }

  /**
   * One run: opens the streams, sends at the set rate with the streams' phases spread over the
   * frame period (cameras are not synchronised), warms up, measures, closes.
   */
  private Stats run(Vertx vertx, WebSocketClient client, int port, String model, StreamPolicy policy,
      int n, List<byte[]> frames) throws Exception {
    Stats stats = new Stats();
    List<FrameStreamClient> streams = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      streams.add(FrameStreamClient.connect(client, "localhost", port, model, "policy=" + policy.label(),
          stats::record).await(30, TimeUnit.SECONDS));
    }
    long periodNanos = (long) (1e9 / fps);
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(warmupSeconds + seconds);
    AtomicLong nextFrame = new AtomicLong();
    for (int i = 0; i < n; i++) {
      long firstAt = start + periodNanos * i / n;
      FrameStreamClient stream = streams.get(i);
      vertx.runOnContext(v -> sendAt(vertx, stream, firstAt, periodNanos, end, frames, nextFrame, stats));
    }
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
    stats.measuring.set(true);
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    stats.measuring.set(false);
    Thread.sleep(50);
    List<Future<Void>> closed = new ArrayList<>();
    streams.forEach(s -> closed.add(s.close()));
    Future.join(closed).await(30, TimeUnit.SECONDS);
    return stats;
  }

  /** Sends one frame at its scheduled time, then schedules the next from the fixed timeline. */
  private static void sendAt(Vertx vertx, FrameStreamClient stream, long at, long periodNanos,
      long end, List<byte[]> frames, AtomicLong nextFrame, Stats stats) {
    if (at >= end) {
      return;
    }
    long delayMillis = TimeUnit.NANOSECONDS.toMillis(at - System.nanoTime());
    if (delayMillis >= 1) {
      vertx.setTimer(delayMillis,
          id -> sendAt(vertx, stream, at, periodNanos, end, frames, nextFrame, stats));
      return;
    }
    stream.sendFrame(frames.get((int) (nextFrame.getAndIncrement() % frames.size())));
    if (stats.measuring.get()) {
      stats.sent.incrementAndGet();
    }
    sendAt(vertx, stream, at + periodNanos, periodNanos, end, frames, nextFrame, stats);
  }

  static List<byte[]> frames(FashionMnist data, FrameKind kind) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      out.add(kind == FrameKind.MNIST ? data.png(i) : vgaJpeg(data, i));
    }
    return out;
  }

  /** A 640x480 RGB JPEG with the image scaled into its middle, as a camera frame would be. */
  private static byte[] vgaJpeg(FashionMnist data, int i) throws IOException {
    BufferedImage small = new BufferedImage(data.cols(), data.rows(), BufferedImage.TYPE_BYTE_GRAY);
    small.getRaster().setDataElements(0, 0, data.cols(), data.rows(), data.image(i));
    BufferedImage frame = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
    frame.getGraphics().drawImage(small.getScaledInstance(480, 480, Image.SCALE_SMOOTH), 80, 0, null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(frame, "jpeg", out);
    return out.toByteArray();
  }
}
