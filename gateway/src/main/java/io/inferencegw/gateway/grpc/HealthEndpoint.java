package io.inferencegw.gateway.grpc;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;
import io.vertx.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.vertx.grpc.health.v1.HealthListRequest;
import io.vertx.grpc.health.v1.HealthListResponse;
import io.vertx.grpc.health.v1.HealthProto;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.Service;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard gRPC health service ({@code grpc.health.v1.Health}), answered from the gateway's
 * readiness: the empty service name stands for the whole server, and every service on the port
 * (the Classifier, and any added later) is SERVING exactly when the gateway is ready (every
 * model READY, not shutting down). Other names are NOT_FOUND, as the protocol asks.
 *
 * <p>vertx-grpc-health's own service is not used: it answers SERVING for the empty name
 * whatever the server's state, and knows nothing of a shutdown.
 *
 * <p>Watch streams get the current status at once and then every change, checked each
 * {@link #WATCH_INTERVAL_MILLIS}; when the gateway shuts down they get NOT_SERVING and end with
 * UNAVAILABLE, so that they do not hold up the port's graceful close. One instance per event
 * loop; everything runs there.
 */
public final class HealthEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(HealthEndpoint.class);
  public static final ServiceName SERVICE = ServiceName.create("grpc.health.v1.Health");
  private static final ServiceDescriptor DESCRIPTOR =
      HealthProto.getDescriptor().findServiceByName("Health");
  private static final ServiceMethod<HealthCheckRequest, HealthCheckResponse> CHECK =
      ServiceMethod.server(SERVICE, "Check", GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(HealthCheckRequest.newBuilder()));
  /** Check as a client calls it: for probes of this service (tests, benchmarks). */
  public static final ServiceMethod<HealthCheckResponse, HealthCheckRequest> CHECK_CLIENT =
      ServiceMethod.client(SERVICE, "Check", GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(HealthCheckResponse.newBuilder()));
  private static final ServiceMethod<HealthCheckRequest, HealthCheckResponse> WATCH =
      ServiceMethod.server(SERVICE, "Watch", GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(HealthCheckRequest.newBuilder()));
  private static final ServiceMethod<HealthListRequest, HealthListResponse> LIST =
      ServiceMethod.server(SERVICE, "List", GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(HealthListRequest.newBuilder()));
  /** How often open Watch streams look for a change (models loading or failing). */
  static final long WATCH_INTERVAL_MILLIS = 1000;

  private final Vertx vertx;
  private final BooleanSupplier ready;
  private final Map<GrpcServerResponse<HealthCheckRequest, HealthCheckResponse>, Watch> watches =
      new HashMap<>();
  private GrpcServer server;
  private long timer = -1;
  private boolean shutDown;

  /** An open Watch stream: the service it watches and the status it was last sent. */
  private static final class Watch {
    final String service;
    ServingStatus sent;

    Watch(String service) {
      this.service = service;
    }
  }

  /** @param ready whether the gateway takes requests (see the server's readiness) */
  public HealthEndpoint(Vertx vertx, BooleanSupplier ready) {
    this.vertx = vertx;
    this.ready = ready;
  }

  /** Adds the service to the port's server, whose other services it reports on. */
  public void bind(GrpcServer server) {
    this.server = server;
    server.addService(Service.service(SERVICE, DESCRIPTOR)
        .bind(CHECK, this::check)
        .bind(WATCH, this::watch)
        .bind(LIST, this::list)
        .build());
  }

  /** The status of a service name, or null for a name that is not served here. */
  private ServingStatus status(String service) {
    if (!service.isEmpty()
        && server.services().stream().noneMatch(s -> s.name().fullyQualifiedName().equals(service))) {
      return null;
    }
    return !shutDown && ready.getAsBoolean() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
  }

  private static HealthCheckResponse response(ServingStatus status) {
    return HealthCheckResponse.newBuilder().setStatus(status).build();
  }

  private void check(GrpcServerRequest<HealthCheckRequest, HealthCheckResponse> call) {
    call.handler(req -> {
      ServingStatus status = status(req.getService());
      if (status == null) {
        call.response().status(GrpcStatus.NOT_FOUND)
            .statusMessage("unknown service " + req.getService()).end();
      } else {
        call.response().send(response(status));
      }
    });
  }

  private void list(GrpcServerRequest<HealthListRequest, HealthListResponse> call) {
    call.handler(req -> {
      HealthListResponse.Builder out = HealthListResponse.newBuilder();
      out.putStatuses("", response(status("")));
      server.services().forEach(s -> out.putStatuses(s.name().fullyQualifiedName(),
          response(status(s.name().fullyQualifiedName()))));
      call.response().send(out.build());
    });
  }

  private void watch(GrpcServerRequest<HealthCheckRequest, HealthCheckResponse> call) {
    call.handler(req -> {
      GrpcServerResponse<HealthCheckRequest, HealthCheckResponse> response = call.response();
      if (shutDown) {
        endShutDown(response);
        return;
      }
      Watch watch = new Watch(req.getService());
      watches.put(response, watch);
      call.errorHandler(error -> forget(response));
      call.exceptionHandler(error -> forget(response));
      send(response, watch);
      if (timer < 0) {
        timer = vertx.setPeriodic(WATCH_INTERVAL_MILLIS, id -> refresh());
      }
    });
  }

  private void forget(GrpcServerResponse<HealthCheckRequest, HealthCheckResponse> response) {
    watches.remove(response);
    if (watches.isEmpty() && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Sends the watched service's status if it changed since the last one sent. */
  private void send(GrpcServerResponse<HealthCheckRequest, HealthCheckResponse> response,
      Watch watch) {
    ServingStatus status = status(watch.service);
    if (status == null) {
      status = ServingStatus.SERVICE_UNKNOWN; // the protocol: Watch keeps watching such a name
    }
    if (status != watch.sent) {
      watch.sent = status;
      response.write(response(status)).onFailure(e -> forget(response));
    }
  }

  private void refresh() {
    new ArrayList<>(watches.entrySet()).forEach(e -> send(e.getKey(), e.getValue()));
  }

  /**
   * The gateway is shutting down: every service is NOT_SERVING from now on, and open Watch
   * streams are told and ended. Call on this endpoint's event loop.
   */
  public void shuttingDown() {
    shutDown = true;
    List<GrpcServerResponse<HealthCheckRequest, HealthCheckResponse>> open =
        new ArrayList<>(watches.keySet());
    open.forEach(response -> {
      Watch watch = watches.get(response);
      send(response, watch);
      endShutDown(response);
      forget(response);
    });
  }

  private static void endShutDown(GrpcServerResponse<HealthCheckRequest, HealthCheckResponse> r) {
    try {
      r.status(GrpcStatus.UNAVAILABLE).statusMessage("the gateway is shutting down").end();
    } catch (RuntimeException closed) {
      LOG.debug("health watch already closed: {}", closed.getMessage());
    }
  }
}
