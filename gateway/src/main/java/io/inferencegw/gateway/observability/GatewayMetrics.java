package io.inferencegw.gateway.observability;

import io.inferencegw.gateway.core.ServingMetrics;
import io.inferencegw.gateway.stream.StreamRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The gateway's Prometheus metrics (served at {@code GET /metrics}): requests by API, model
 * version and outcome with their latencies, batches, queues, replicas, streams, plugins and the
 * process. One registry per gateway, so that several gateways in one JVM (tests) keep apart.
 *
 * <p>Latencies are histograms with fixed buckets rather than summaries: buckets aggregate over
 * instances and time in Prometheus, quantiles computed in the process do not.
 */
public final class GatewayMetrics implements ServingMetrics {

  /** From half a millisecond (a small batch on a GPU) to 30 s (a long deadline). */
  private static final Duration[] LATENCY_BUCKETS = durations(
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
  /** Powers of two, as batch sizes are usually configured. */
  private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, List<Meter>> versionGauges = new ConcurrentHashMap<>();
  private final Counter pluginLoads;
  private final Counter pluginReloads;
  private final Counter pluginFailures;
  private final Counter accessLogDropped;

  public GatewayMetrics() {
    // Two of ProcessorMetrics' names break Prometheus conventions (promtool's lint): the CPU
    // count is no counter, and the CPU time is in nanoseconds (process_cpu_usage stays).
    registry.config()
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
        .meterFilter(new MeterFilter() {
          @Override
          public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
          }
        });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new ProcessResidentMemory().bindTo(registry);
    pluginLoads = counter("gateway.plugin.loads",
        "Plugin JARs loaded while no version of the plugin was loaded");
    pluginReloads = counter("gateway.plugin.reloads",
        "Plugin JARs loaded in place of a loaded version (hot reload)");
    pluginFailures = counter("gateway.plugin.failures",
        "Plugin JARs that could not be loaded; the previous version keeps serving");
    accessLogDropped = counter("gateway.access.log.dropped",
        "Access log lines dropped because the writer fell behind");
  }

  /** A counter of the whole gateway, without tags. */
  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The text exposition format, as {@code GET /metrics} serves it. */
  public String scrape() {
    return registry.scrape();
  }

  /** Adds the gateway-wide counts of WebSocket frame streams. */
  public void bindStreams(StreamRegistry streams) {
    frameCounter(streams, "ok", StreamRegistry::framesOk);
    frameCounter(streams, "skipped", StreamRegistry::framesSkipped);
    frameCounter(streams, "error", StreamRegistry::framesError);
    Gauge.builder("gateway.streams.active", streams, StreamRegistry::openStreams)
        .description("WebSocket frame streams open now")
        .register(registry);
  }

  private void frameCounter(StreamRegistry streams, String outcome,
      java.util.function.ToDoubleFunction<StreamRegistry> count) {
    FunctionCounter.builder("gateway.stream.frames", streams, count)
        .description("Frames of WebSocket streams answered, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** Counts and times one answered request (see {@link RequestRecorder}). */
  void request(CompletedRequest r) {
    String model = r.routed() ? r.model() : "";
    String version = r.routed() ? r.version() : "";
    Counter.builder("gateway.requests")
        .description("Requests answered, by API, model version and outcome (ok or the error)")
        .tags("api", r.api().label(), "model", model, "version", version, "outcome", r.outcome())
        .register(registry)
        .increment();
    Timer.builder("gateway.request.duration")
        .description("Time from a request's arrival to its answer, any outcome")
        .tags("api", r.api().label(), "model", model, "version", version)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry)
        .record(r.totalNanos(), TimeUnit.NANOSECONDS);
    if (r.computed()) {
      Tags tags = Tags.of("model", model, "version", version);
      Timer.builder("gateway.request.queue")
          .description("Time a computed request waited in its model's queue")
          .tags(tags)
          .serviceLevelObjectives(LATENCY_BUCKETS)
          .register(registry)
          .record(r.queueMicros(), TimeUnit.MICROSECONDS);
      Timer.builder("gateway.request.compute")
          .description("Time the batch of a computed request took (preprocessing and network)")
          .tags(tags)
          .serviceLevelObjectives(LATENCY_BUCKETS)
          .register(registry)
          .record(r.computeMicros(), TimeUnit.MICROSECONDS);
    }
  }

  /** Counts a line the access log could not keep up with. */
  public void accessLogDropped() {
    accessLogDropped.increment();
  }

  @Override
  public void versionServing(String model, String version, IntSupplier queueDepth,
      IntSupplier inFlight) {
    Tags tags = Tags.of("model", model, "version", version);
    List<Meter> gauges = List.of(
        Gauge.builder("gateway.queue.depth", queueDepth, IntSupplier::getAsInt)
            .description("Requests waiting in the model version's queue")
            .tags(tags)
            .strongReference(true)
            .register(registry),
        Gauge.builder("gateway.requests.in.flight", inFlight, IntSupplier::getAsInt)
            .description("Requests admitted to the model version and not yet answered")
            .tags(tags)
            .strongReference(true)
            .register(registry));
    versionGauges.put(key(model, version), gauges);
  }

  @Override
  public void versionRetired(String model, String version) {
    List<Meter> gauges = versionGauges.remove(key(model, version));
    if (gauges != null) {
      gauges.forEach(registry::remove);
    }
  }

  @Override
  public void batchRun(String model, String version, String device, String replica, int size,
      long busyNanos) {
    Tags tags = Tags.of("model", model, "version", version);
    Counter.builder("gateway.batch.executions")
        .description("Batches run (forward passes); inferences / executions is the mean batch")
        .tags(tags)
        .register(registry)
        .increment();
    Counter.builder("gateway.inferences")
        .description("Requests run in batches")
        .tags(tags)
        .register(registry)
        .increment(size);
    DistributionSummary.builder("gateway.batch.size")
        .description("Requests per batch run")
        .tags(tags)
        .serviceLevelObjectives(BATCH_BUCKETS)
        .register(registry)
        .record(size);
    Counter.builder("gateway.replica.busy")
        .description("Time a replica spent running batches")
        .baseUnit("seconds")
        .tags(tags.and("device", device, "replica", replica))
        .register(registry)
        .increment(busyNanos / 1e9);
  }

  @Override
  public void pluginActivated(boolean replacing) {
    (replacing ? pluginReloads : pluginLoads).increment();
  }

  @Override
  public void pluginFailed() {
    pluginFailures.increment();
  }

  private static String key(String model, String version) {
    return model + '\0' + version;
  }

  private static Duration[] durations(double... seconds) {
    Duration[] out = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      out[i] = Duration.ofNanos(Math.round(seconds[i] * 1e9));
    }
    return out;
  }
}
