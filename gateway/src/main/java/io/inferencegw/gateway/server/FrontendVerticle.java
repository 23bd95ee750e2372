package io.inferencegw.gateway.server;

import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.connection.ConnectionGuard;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.grpc.ClassifierEndpoint;
import io.inferencegw.gateway.grpc.HealthEndpoint;
import io.inferencegw.gateway.grpc.ingress.GrpcIngress;
import io.inferencegw.gateway.oip.OipGrpcService;
import io.inferencegw.gateway.oip.OipRestRoutes;
import io.inferencegw.gateway.observability.GatewayMetrics;
import io.inferencegw.gateway.management.ManagementAccess;
import io.inferencegw.gateway.management.ManagementEndpoint;
import io.inferencegw.gateway.management.ModelRepositoryActions;
import io.inferencegw.gateway.observability.RequestRecorder;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.PluginRegistry;
import io.inferencegw.gateway.stream.StreamRegistry;
import io.inferencegw.gateway.stream.StreamRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.grpc.reflection.ReflectionService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.concurrent.TimeUnit;

/**
 * The client-facing port on one event loop. gRPC calls (content type {@code application/grpc},
 * HTTP/2 cleartext) go to the gRPC server; everything else goes to the HTTP router. Several
 * instances share the port, one per event loop.
 */
public final class FrontendVerticle extends VerticleBase {

  private final GatewayConfig config;
  private final ModelManager models;
  private final PluginRegistry plugins;
  private final InputLimits limits;
  private final StreamRegistry streams;
  private final Readiness readiness;
  private final ConnectionGuard connections;
  private final GatewayMetrics metrics;
  private final RequestRecorder recorder;
  private HttpServer server;

  /**
   * @param streams the WebSocket frame streams of the gateway, shared by all frontends
   * @param readiness the gateway's readiness, shared by all frontends
   * @param connections the connection limits of the port, shared by all frontends
   * @param metrics the gateway's metrics, served at {@code GET /metrics}
   * @param recorder where every answered request is reported
   */
  FrontendVerticle(GatewayConfig config, ModelManager models, PluginRegistry plugins,
      InputLimits limits, StreamRegistry streams, Readiness readiness,
      ConnectionGuard connections, GatewayMetrics metrics, RequestRecorder recorder) {
    this.config = config;
    this.models = models;
    this.plugins = plugins;
    this.limits = limits;
    this.streams = streams;
    this.readiness = readiness;
    this.connections = connections;
    this.metrics = metrics;
    this.recorder = recorder;
  }

  @Override
  public Future<?> start() {
    // Every gRPC service is added to the ingress, which guards the transport of each call.
    GrpcServer grpc = new GrpcIngress(vertx, limits);
    new ClassifierEndpoint(vertx, models, plugins, limits, recorder).bind(grpc);
    ModelRepositoryActions repository =
        new ModelRepositoryActions(models, plugins, config.repository());
    new OipGrpcService(vertx, models, limits, readiness::isReady, recorder,
        new ManagementAccess(config.management()), repository).bind(grpc);
    HealthEndpoint health = new HealthEndpoint(vertx, readiness::isReady);
    health.bind(grpc);
    readiness.onShuttingDown(() -> context.runOnContext(v -> health.shuttingDown()));
    // Reflection lists the services on the port as each call finds them.
    grpc.addService(ReflectionService.v1());
    Router router = Router.router(vertx);
    // Readiness for load balancers and orchestrators: every served model is READY, and the
    // gateway is not shutting down.
    router.get("/health/ready").handler(ctx -> {
      boolean ready = readiness.isReady();
      ctx.response().setStatusCode(ready ? 200 : 503).end(ready ? "ready\n" : "not ready\n");
    });
    new ManagementEndpoint(config, repository, plugins).mount(router);
    // The Open Inference Protocol (KServe v2 / Triton) over REST: /v2, /v2/health, /v2/models.
    new OipRestRoutes(vertx, models, limits, readiness::isReady, recorder).mount(router);
    router.get("/health/live").handler(ctx -> ctx.response().end("live\n"));
    // Prometheus scrapes, like health checks, need no management token.
    router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics.registry()));
    // WebSocket frame streams, GET /v1/models, GET /v1/streams and the /demo/ page.
    new StreamRoutes(vertx, models, limits, streams, recorder).mount(router);
    server = vertx.createHttpServer(serverOptions());
    return server
        .connectionHandler(connections::accept)
        .requestHandler(connections.guard(req -> (isGrpc(req) ? grpc : router).handle(req)))
        .listen();
  }

  /**
   * Graceful: the port stops accepting, HTTP/2 connections get GOAWAY (clients start no new
   * call on them), and the calls in flight are answered within the grace period before the
   * connections close.
   */
  @Override
  public Future<?> stop() {
    return server.shutdown(readiness.shutdownGraceMillis(), TimeUnit.MILLISECONDS);
  }

  /** The port, and the settings that streaming and the connection limits need. */
  private HttpServerOptions serverOptions() {
    HttpServerOptions options = new HttpServerOptions()
        .setPort(config.port()).setHost("0.0.0.0").setHttp2ClearTextEnabled(true);
    return connections.configure(StreamRoutes.configure(options, streams));
  }

  private static boolean isGrpc(HttpServerRequest req) {
    String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null && type.startsWith("application/grpc");
  }

  public int actualPort() {
    return server.actualPort();
  }
}
