package io.inferencegw.gateway.server;

import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.grpc.ClassifierEndpoint;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.ModelState;
import io.inferencegw.gateway.registry.PluginRegistry;
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

  private final int port;
  private final ModelManager models;
  private final PluginRegistry plugins;
  private final InputLimits limits;
  private HttpServer server;

  public FrontendVerticle(int port, ModelManager models, PluginRegistry plugins, InputLimits limits) {
    this.port = port;
    this.models = models;
    this.plugins = plugins;
    this.limits = limits;
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
    router.get("/health/live").handler(ctx -> ctx.response().end("live\n"));
    server =
        vertx.createHttpServer(
            new HttpServerOptions().setPort(port).setHost("0.0.0.0").setHttp2ClearTextEnabled(true));
    return server
        .requestHandler(req -> (isGrpc(req) ? grpc : router).handle(req))
        .listen();
  }

  private static boolean isGrpc(HttpServerRequest req) {
    String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null && type.startsWith("application/grpc");
  }

  public int actualPort() {
    return server.actualPort();
  }
}
