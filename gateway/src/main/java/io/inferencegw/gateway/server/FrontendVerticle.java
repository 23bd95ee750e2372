package io.inferencegw.gateway.server;

import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.connection.ConnectionGuard;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.grpc.ClassifierEndpoint;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.ModelState;
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
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;

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
  private final ConnectionGuard connections;
  private HttpServer server;

  /**
   * @param streams the WebSocket frame streams of the gateway, shared by all frontends
   * @param connections the connection limits of the port, shared by all frontends
   */
  public FrontendVerticle(GatewayConfig config, ModelManager models, PluginRegistry plugins,
      InputLimits limits, StreamRegistry streams, ConnectionGuard connections) {
    this.config = config;
    this.models = models;
    this.plugins = plugins;
    this.limits = limits;
    this.streams = streams;
    this.connections = connections;
  }

  @Override
  public Future<?> start() {
    GrpcServer grpc =
        GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(limits.maxMessageBytes()));
    new ClassifierEndpoint(vertx, models, plugins, limits).bind(grpc);
    Router router = Router.router(vertx);
    // Readiness for load balancers and orchestrators: every served model is READY.
    router.get("/health/ready").handler(ctx -> {
      boolean ready = models.models().stream().allMatch(m -> m.state() == ModelState.READY);
      ctx.response().setStatusCode(ready ? 200 : 503).end(ready ? "ready\n" : "not ready\n");
    });
    new ManagementEndpoint(config, models, plugins).mount(router);
    router.get("/health/live").handler(ctx -> ctx.response().end("live\n"));
    // WebSocket frame streams, GET /v1/models, GET /v1/streams and the /demo/ page.
    new StreamRoutes(vertx, models, limits, streams).mount(router);
    server = vertx.createHttpServer(serverOptions());
    return server
        .connectionHandler(connections::accept)
        .requestHandler(connections.guard(req -> (isGrpc(req) ? grpc : router).handle(req)))
        .listen();
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
