package io.inferencegw.gateway.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.config.BatchingConfig;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.grpc.HealthEndpoint;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.plugin.api.testing.Prerequisites;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;
import io.vertx.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * grpc.health.v1.Health answers from the gateway's readiness, also for the whole server (the
 * empty name), and turns NOT_SERVING for its watchers as soon as a shutdown starts while calls
 * in flight are still answered; reflection lists every service, so that buf curl can call one.
 */
@ExtendWith(VertxExtension.class)
class HealthAndReflectionEndToEndTest {

  private static final String SLOW = "slow-lenet";
  private static final ServiceMethod<HealthCheckResponse, HealthCheckRequest> WATCH =
      ServiceMethod.client(HealthEndpoint.SERVICE, "Watch", GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(HealthCheckResponse.newBuilder()));

  private Gateway gateway;
  private GrpcClient grpc;
  private boolean closed;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    Prerequisites.require(FashionMnist.isInstalled(), "the Fashion-MNIST test set",
        "dataset-fashion-mnist");
    gateway = Gateway.start(vertx, TestGateways.withModels(
            TestGateways.lenetAs(SLOW, new BatchingConfig(64, 1_000_000, 4))))
        .await(60, TimeUnit.SECONDS);
    grpc = GrpcClient.client(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    if (grpc != null) {
      grpc.close().await(10, TimeUnit.SECONDS);
    }
    if (gateway != null && !closed) {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  private GrpcClientRequest<HealthCheckRequest, HealthCheckResponse> open(
      ServiceMethod<HealthCheckResponse, HealthCheckRequest> method) throws Exception {
    return grpc.request(SocketAddress.inetSocketAddress(gateway.port(), "127.0.0.1"), method)
        .await(10, TimeUnit.SECONDS);
  }

  private String check(String service) throws Exception {
    return GrpcHealthCheck.check(grpc, gateway.port(), service);
  }

  @Test
  void checkAnswersForTheServerAndEachServiceAndNotFoundForOthers() throws Exception {
    assertEquals("SERVING", check(""));
    assertEquals("SERVING", check("gateway.v1.Classifier"));
    assertEquals("SERVING", check("grpc.health.v1.Health"));
    assertEquals("NOT_FOUND", check("no.such.Service"));
  }

  @Test
  void watchersSeeNotServingWhenShutdownStartsAndCallsInFlightAreAnswered(Vertx vertx)
      throws Exception {
    GrpcClientRequest<HealthCheckRequest, HealthCheckResponse> watch = open(WATCH);
    BlockingQueue<ServingStatus> seen = new LinkedBlockingQueue<>();
    // The handler is set as the response arrives, on its event loop: the first status message
    // can follow at once and must not find the stream without one.
    Future<GrpcClientResponse<HealthCheckRequest, HealthCheckResponse>> response =
        watch.response().onSuccess(r -> r.handler(m -> seen.add(m.getStatus())));
    watch.end(HealthCheckRequest.newBuilder().setService("").build());
    GrpcClientResponse<HealthCheckRequest, HealthCheckResponse> stream =
        response.await(10, TimeUnit.SECONDS);
    Future<Void> ended = stream.end();
    assertEquals(ServingStatus.SERVING, seen.poll(10, TimeUnit.SECONDS));

    // A call the slow model holds for a second is in flight when the shutdown starts.
    GatewayClient client = new GatewayClient(vertx, "localhost", gateway.port());
    var slowQueue = gateway.models().resolve(SLOW, "").orElseThrow().queue();
    Future<ClassifyResponse> inFlight = client.classify(ClassifyRequest.newBuilder()
        .setModel(SLOW).setImage(ByteString.copyFrom(FashionMnist.testSet().png(0))).build());
    Await.until("the call to be queued", () -> slowQueue.size() == 1);

    closed = true;
    Future<Void> closing = gateway.close(30_000);
    assertEquals(ServingStatus.NOT_SERVING, seen.poll(10, TimeUnit.SECONDS));
    assertTrue(ended.transform(ar -> Future.succeededFuture(ar.failed()))
        .await(10, TimeUnit.SECONDS), "the watch ends with an error status");
    assertEquals(GrpcStatus.UNAVAILABLE, stream.status());
    assertEquals(5, inFlight.await(30, TimeUnit.SECONDS).getPredictionsCount(),
        "the call in flight is answered during the shutdown");
    closing.await(60, TimeUnit.SECONDS);
    client.close();
  }

  @Test
  void bufCurlListsEveryServiceThroughReflectionAndCallsListModels() throws Exception {
    String buf = Prerequisites.executableInstalledBy("buf",
        "npm install -g @bufbuild/buf@1.75.0");
    String base = "http://127.0.0.1:" + gateway.port();
    String services = run(buf, "curl", "--protocol", "grpc", "--http2-prior-knowledge",
        "--list-services", base);
    for (String s : List.of("gateway.v1.Classifier", "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection")) {
      assertTrue(services.lines().anyMatch(s::equals), s + " not listed:\n" + services);
    }
    String models = run(buf, "curl", "--protocol", "grpc", "--http2-prior-knowledge",
        "--reflect", "-d", "{}", base + "/gateway.v1.Classifier/ListModels");
    assertTrue(models.contains("\"fashion-lenet\"") && models.contains("\"READY\""), models);
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not finish: " + String.join(" ", command));
    assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
    assertNotNull(out);
    return out;
  }
}
