package io.inferencegw.gateway.server;

import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.grpc.ClassifierEndpoint;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.PluginRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;

/**
 * The client-facing port on one event loop: gRPC over HTTP/2 cleartext. Several instances share
 * the port, one per event loop.
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
    server =
        vertx.createHttpServer(
            new HttpServerOptions().setPort(port).setHost("0.0.0.0").setHttp2ClearTextEnabled(true));
    return server.requestHandler(grpc).listen();
  }

  public int actualPort() {
    return server.actualPort();
  }
}
