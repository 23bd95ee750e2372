package io.inferencegw.gateway.grpc.ingress;

import com.google.protobuf.Descriptors.MethodDescriptor;
import io.inferencegw.gateway.core.InputLimits;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcProtocol;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import io.vertx.grpc.server.StatusException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one door to every gRPC service on the client port: a {@link GrpcServer} that services
 * are added to as to vertx-grpc's, and that guards the gRPC transport of each call (framing,
 * message limit, compression, one request message for unary calls, deadlines) before
 * vertx-grpc and the service see it. See {@link CallGuard} for what each call gets.
 *
 * <p>Services are added with {@link #addService}: the ingress takes each method's kind (unary or
 * client-streaming) from the service's protobuf descriptor. Only protobuf gRPC over HTTP/2 is
 * served (no gRPC-Web, no JSON), so that each call comes through this path.
 *
 * <p>The ingress enforces a deadline until the request of a single-message call is complete;
 * from then on, and for the whole of a client-streaming call, the service does, with the time
 * left that {@code call.timeout()} gives.
 *
 * <p>One instance per event loop, like the HTTP server that calls {@link #handle}.
 */
public final class GrpcIngress implements GrpcServer {

  static final String ACCEPT_ENCODING_HEADER = "grpc-accept-encoding";
  /** What the gateway inflates besides identity; advertised on every response. */
  static final String ACCEPTED_ENCODINGS = "gzip";

  /** The content types vertx-grpc serves as protobuf gRPC over HTTP/2. */
  private static final Pattern PROTOBUF_GRPC = Pattern.compile("application/grpc(\\+proto)?");

  private final Vertx vertx;
  private final long maxMessageBytes;
  private final GrpcServer grpc;
  private final WorkerExecutor inflation;
  private final List<Service> services = new ArrayList<>();
  /** The service whose methods {@link #addService} is binding. */
  private Service binding;
  /** The call vertx-grpc is dispatching: {@link #handle} sets it around a synchronous dispatch. */
  private CallGuard dispatching;

  /**
   * Inflating one message at the limit takes tens of milliseconds: half the cores (at least
   * two) do it, shared by all ingresses, so that compressed calls cannot take every core.
   */
  private static final int INFLATION_THREADS =
      Math.max(2, Runtime.getRuntime().availableProcessors() / 2);

  public GrpcIngress(Vertx vertx, InputLimits limits) {
    this.vertx = vertx;
    this.maxMessageBytes = limits.maxMessageBytes();
    this.grpc =
        GrpcServer.server(
            vertx,
            new GrpcServerOptions()
                .setMaxMessageSize(maxMessageBytes)
                .removeEnabledProtocol(GrpcProtocol.WEB)
                .removeEnabledProtocol(GrpcProtocol.WEB_TEXT)
                .removeEnabledProtocol(GrpcProtocol.TRANSCODING));
    this.inflation = vertx.createSharedWorkerExecutor("grpc-inflation", INFLATION_THREADS);
  }

  @Override
  public void handle(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !PROTOBUF_GRPC.matcher(type).matches()) {
      request.response().setStatusCode(415).end("only application/grpc (protobuf) is served\n");
      return;
    }
    CallGuard guard = new CallGuard(vertx, inflation, maxMessageBytes, request);
    dispatching = guard;
    try {
      grpc.handle(new GuardedHttpRequest(request, guard));
    } finally {
      dispatching = null;
    }
  }

  @Override
  public GrpcServer addService(Service service) {
    for (Service s : services) {
      if (s.name().equals(service.name())) {
        throw new IllegalStateException("gRPC service added twice: " + service.name().fullyQualifiedName());
      }
    }
    services.add(service);
    binding = service;
    try {
      service.bind(this);
    } finally {
      binding = null;
    }
    return this;
  }

  @Override
  public List<Service> services() {
    return Collections.unmodifiableList(services);
  }

  /** Called by a service's {@code bind} from {@link #addService}. */
  @Override
  public <Req, Resp> GrpcServer callHandler(
      ServiceMethod<Req, Resp> method, Handler<GrpcServerRequest<Req, Resp>> handler) {
    if (handler == null) {
      grpc.callHandler(method, null);
      return this;
    }
    MethodDescriptor descriptor =
        binding == null ? null : binding.descriptor().findMethodByName(method.methodName());
    if (descriptor == null) {
      throw new IllegalStateException("gRPC method " + method.fullMethodName()
          + " must be bound by a service given to addService, whose descriptor has the method");
    }
    String messageType = descriptor.getInputType().getFullName();
    grpc.callHandler(
        method,
        call -> {
          CallGuard guard = dispatching;
          if (guard == null) {
            call.response().fail(new StatusException(GrpcStatus.INTERNAL,
                "gRPC call dispatched outside the ingress"));
          } else if (guard.attach(call, descriptor)) {
            handler.handle(new GuardedCall<>(call, guard, method.decoder(), messageType));
          }
        });
    return this;
  }

  /** Not offered: a catch-all handler would bypass the per-method checks. */
  @Override
  public GrpcServer callHandler(Handler<GrpcServerRequest<Buffer, Buffer>> handler) {
    throw new UnsupportedOperationException("add services with addService");
  }

  /**
   * @return whether messages of a call with this grpc-encoding may be compressed
   * @throws StatusException UNIMPLEMENTED for an encoding the gateway cannot inflate, as the gRPC
   *     compression spec requires (the response advertises grpc-accept-encoding)
   */
  static boolean acceptsEncoding(String encoding) {
    if (encoding == null || encoding.equals("identity")) {
      return false;
    }
    if (encoding.equals("gzip")) {
      return true;
    }
    throw new StatusException(GrpcStatus.UNIMPLEMENTED, "grpc-encoding " + encoding
        + " is not supported; the gateway accepts " + ACCEPTED_ENCODINGS + " and identity");
  }
}
