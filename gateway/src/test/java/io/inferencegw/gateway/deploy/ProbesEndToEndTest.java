package io.inferencegw.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GRPCAction;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.observability.GrpcHealthCheck;
import io.inferencegw.gateway.server.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base Deployment's probes against the real gateway running the base ConfigMap's config: each
 * probe's port is the one the gateway listens on (and the one the Service targets), each HTTP
 * probe's path answers 200 and each gRPC probe's health check SERVING on a ready gateway, and
 * readiness turns false as soon as shutdown starts, so Kubernetes takes the pod out of its
 * endpoints before the port closes.
 */
@ExtendWith(VertxExtension.class)
class ProbesEndToEndTest {

  @TempDir Path dir;

  // Kubelet probes speak HTTP/1.1.
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void everyProbeAnswersOnTheConfiguredPortAndReadinessDropsAtShutdown(Vertx vertx)
      throws Exception {
    List<HasMetadata> base = DeployFiles.build(DeployFiles.K8S.resolve("base"));
    Deployment deployment = DeployFiles.only(base, Deployment.class);
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, Probe> probes = new LinkedHashMap<>();
    probes.put("startup", container.getStartupProbe());
    probes.put("liveness", container.getLivenessProbe());
    probes.put("readiness", container.getReadinessProbe());

    GatewayConfig deployed = DeployFiles.loadMounted(DeployFiles.configText(
        DeployFiles.only(base, ConfigMap.class), deployment), dir);
    for (var probe : probes.entrySet()) {
      assertEquals(deployed.port(), containerPort(container, port(probe.getKey(),
          probe.getValue())), probe.getKey() + " probe's port is not the port the gateway"
          + " listens on");
    }
    Service service = DeployFiles.only(base, Service.class);
    assertEquals(deployed.port(), containerPort(container,
        service.getSpec().getPorts().get(0).getTargetPort()), "the Service's target port");

    Gateway gateway = Gateway.start(vertx, deployed.withPort(0)).await(60, TimeUnit.SECONDS);
    GrpcClient grpc = GrpcClient.client(vertx);
    Future<Void> closing = null;
    try {
      for (var probe : probes.entrySet()) {
        HTTPGetAction httpGet = probe.getValue().getHttpGet();
        GRPCAction grpcCheck = probe.getValue().getGrpc();
        if (httpGet != null) {
          HttpResponse<String> answer = get(gateway.port(), httpGet.getPath());
          assertEquals(200, answer.statusCode(),
              probe.getKey() + " probe " + httpGet.getPath() + ": " + answer.body());
        } else {
          String name = grpcCheck.getService() == null ? "" : grpcCheck.getService();
          assertEquals("SERVING", GrpcHealthCheck.check(grpc, gateway.port(), name),
              probe.getKey() + " probe: gRPC health of '" + name + "'");
        }
      }
      assertTrue(gateway.isReady());
      closing = gateway.close();
      // No wait: readiness is false from the moment shutdown starts, before any call drains.
      assertFalse(gateway.isReady(), "readiness must turn false as soon as shutdown starts");
    } finally {
      grpc.close();
      (closing != null ? closing : gateway.close()).await(60, TimeUnit.SECONDS);
    }
  }

  /** The port of an HTTP or gRPC probe; any other kind fails the test. */
  private static IntOrString port(String kind, Probe probe) {
    if (probe == null) {
      throw new AssertionError("the gateway container has no " + kind + " probe");
    }
    if (probe.getHttpGet() != null) {
      return probe.getHttpGet().getPort();
    }
    if (probe.getGrpc() != null) {
      return new IntOrString(probe.getGrpc().getPort());
    }
    throw new AssertionError("the " + kind + " probe is neither HTTP nor gRPC");
  }

  /** The container port a probe or Service names, by number or by the container port's name. */
  private static int containerPort(Container container, IntOrString port) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort).findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
