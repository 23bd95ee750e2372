package io.inferencegw.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.inferencegw.gateway.cli.GatewayMain;
import io.inferencegw.gateway.config.GatewayConfig;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.registry.LoadedPlugin;
import io.inferencegw.gateway.registry.PluginLoader;
import io.inferencegw.plugin.api.testing.Prerequisites;
import java.io.File;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * The deployment files under deploy/: every manifest reads strictly into the Kubernetes model,
 * every kustomization builds, and what the files promise each other and the gateway holds
 * (names, ports, the drain's timing, the memory sizing, the config and args the gateway accepts).
 */
class ManifestsTest {

  @TempDir Path dir;

  @Test
  void everyManifestReadsStrictlyIntoTheKubernetesModel() throws Exception {
    List<Path> files = DeployFiles.manifests();
    assertTrue(files.size() >= 12, "manifests found: " + files);
    for (Path f : files) {
      HasMetadata r = StrictManifests.parse(Files.readString(f), f.toString());
      boolean custom = r.getApiVersion().contains("keda.sh")
          || r.getApiVersion().contains("kserve.io");
      assertEquals(custom, r instanceof GenericKubernetesResource,
          f + ": only custom resources may be untyped, got " + r.getClass().getSimpleName());
    }
  }

  @Test
  void aMisspelledFieldFailsTheCheck() {
    String typo = """
        apiVersion: v1
        kind: Service
        metadata: {name: x}
        spec:
          ports: [{port: 8080, targetPort: grpc, appProtocl: kubernetes.io/h2c}]
        """;
    AssertionError e = assertThrows(AssertionError.class,
        () -> StrictManifests.parse(typo, "typo.yaml"));
    assertTrue(e.getMessage().contains("appProtocl"), e.getMessage());
  }

  @Test
  void everyKustomizationBuildsIntoTypedResources() throws Exception {
    List<Path> dirs = DeployFiles.kustomizations();
    assertEquals(Set.of("base", "cpu", "gpu", "keda", "prometheus-adapter"),
        dirs.stream().map(d -> d.getFileName().toString()).collect(Collectors.toSet()));
    for (Path d : dirs) {
      assertFalse(DeployFiles.build(d).isEmpty(), d.toString());
    }
  }

  @Test
  void theDeploymentDrainsWithinItsGraceAndIsHardened() throws Exception {
    List<HasMetadata> base = DeployFiles.build(DeployFiles.K8S.resolve("base"));
    Deployment deployment = DeployFiles.only(base, Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container gateway = pod.getContainers().get(0);
    // The gateway must accept its args.
    GatewayMain main = new GatewayMain();
    new CommandLine(main).parseArgs(gateway.getArgs().toArray(String[]::new));
    long grace = Long.parseLong(argument(gateway.getArgs(), "--shutdown-grace-seconds"));
    long preStop = gateway.getLifecycle().getPreStop().getSleep().getSeconds();
    assertTrue(preStop >= 2 && preStop <= 10, "preStop sleep " + preStop);
    assertTrue(pod.getTerminationGracePeriodSeconds() > preStop + grace,
        "terminationGracePeriodSeconds must exceed the preStop sleep plus the drain grace");
    assertEquals(0, deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable()
        .getIntVal());
    assertNotNull(gateway.getStartupProbe(), "a startup probe covers model loading");

    assertTrue(pod.getSecurityContext().getRunAsNonRoot());
    for (Container c : Stream.concat(pod.getInitContainers().stream(),
        pod.getContainers().stream()).toList()) {
      assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem(), c.getName());
      assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation(), c.getName());
      assertNotNull(c.getResources().getLimits().get("memory"), c.getName());
    }
    assertTrue(gateway.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")
        && pod.getVolumes().stream().anyMatch(v -> v.getName().equals(m.getName())
            && v.getEmptyDir() != null)), "a writable emptyDir /tmp");

    // README "Memory": heap + direct memory + about 300 MB for the JVM and LibTorch, before
    // the weights (a few hundred KB for LeNet) and their activations.
    Map<String, String> env = gateway.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(e -> e.getName(), e -> e.getValue()));
    BigDecimal limit = Quantity.getAmountInBytes(gateway.getResources().getLimits().get("memory"));
    // deploy/gateway.sh: a percentage is that share of the container's memory limit.
    String heap = env.get("GATEWAY_HEAP");
    BigDecimal heapBytes = heap.endsWith("%")
        ? limit.multiply(new BigDecimal(heap.substring(0, heap.length() - 1)))
            .divide(BigDecimal.valueOf(100))
        : bytes(heap);
    BigDecimal needed = heapBytes.add(bytes(env.get("GATEWAY_DIRECT_MEMORY")))
        .add(BigDecimal.valueOf(300L << 20));
    assertTrue(limit.compareTo(needed) > 0, "memory limit " + limit + " < " + needed);
    assertEquals(gateway.getResources().getLimits().get("memory"),
        gateway.getResources().getRequests().get("memory"), "memory is not overcommitted");
  }

  @Test
  void theServiceAndVolumesMatchTheDeployment() throws Exception {
    List<HasMetadata> base = DeployFiles.build(DeployFiles.K8S.resolve("base"));
    Deployment deployment = DeployFiles.only(base, Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Service service = DeployFiles.only(base, Service.class);
    ServicePort port = service.getSpec().getPorts().get(0);
    assertEquals("kubernetes.io/h2c", port.getAppProtocol());
    assertTrue(port.getName().startsWith("grpc"), "meshes take a grpc* port for gRPC");
    assertTrue(pod.getContainers().get(0).getPorts().stream()
        .anyMatch(p -> p.getName().equals(port.getTargetPort().getStrVal())));
    assertEquals(deployment.getSpec().getSelector().getMatchLabels(), service.getSpec()
        .getSelector());
    assertEquals(deployment.getSpec().getSelector(),
        DeployFiles.only(base, PodDisruptionBudget.class).getSpec().getSelector());

    PersistentVolumeClaim pvc = DeployFiles.only(base, PersistentVolumeClaim.class);
    assertEquals(List.of("ReadWriteMany"), pvc.getSpec().getAccessModes());
    String claimVolume = pod.getVolumes().stream()
        .filter(v -> v.getPersistentVolumeClaim() != null
            && v.getPersistentVolumeClaim().getClaimName().equals(pvc.getMetadata().getName()))
        .findFirst().orElseThrow().getName();
    assertTrue(pod.getContainers().get(0).getVolumeMounts().stream().anyMatch(m ->
        m.getName().equals(claimVolume)
            && m.getMountPath().equals(DeployFiles.REPOSITORY_MOUNT)));

    ConfigMap config = DeployFiles.only(base, ConfigMap.class);
    String configFile = DeployFiles.configArgument(deployment);
    assertTrue(pod.getContainers().get(0).getVolumeMounts().stream().anyMatch(m ->
        configFile.equals(m.getMountPath() + "/" + Path.of(configFile).getFileName())
            && pod.getVolumes().stream().anyMatch(v -> v.getName().equals(m.getName())
                && v.getConfigMap() != null
                && v.getConfigMap().getName().equals(config.getMetadata().getName()))));
    GatewayConfig loaded = DeployFiles.loadMounted(DeployFiles.configText(config, deployment), dir);
    assertEquals(8080, loaded.port());
    assertEquals(pod.getContainers().get(0).getPorts().get(0).getContainerPort(), loaded.port());
  }

  @Test
  void theGpuOverlayAsksForOneGpuAndServesOnCuda() throws Exception {
    List<HasMetadata> gpu = DeployFiles.build(DeployFiles.K8S.resolve("overlays/gpu"));
    Deployment deployment = DeployFiles.only(gpu, Deployment.class);
    Container gateway = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(new Quantity("1"), gateway.getResources().getLimits().get("nvidia.com/gpu"));
    assertEquals(new Quantity("1"), gateway.getResources().getRequests().get("nvidia.com/gpu"));
    // The patch merged into the container: probes, args and mounts of the base are kept.
    assertNotNull(gateway.getReadinessProbe());
    assertEquals(3, gateway.getVolumeMounts().size());
    assertEquals(3, deployment.getSpec().getTemplate().getSpec().getVolumes().size());
    GatewayConfig config = DeployFiles.loadMounted(
        DeployFiles.configText(DeployFiles.only(gpu, ConfigMap.class), deployment), dir);
    assertEquals(List.of("cuda:0"), config.models().get(0).devices());
    assertNotNull(DeployFiles.only(gpu, HorizontalPodAutoscaler.class));
  }

  @Test
  void theAutoscalersUseMetricsTheAdapterServes() throws Exception {
    HorizontalPodAutoscaler hpa = DeployFiles.only(
        DeployFiles.build(DeployFiles.K8S.resolve("overlays/cpu")), HorizontalPodAutoscaler.class);
    assertEquals("inference-gateway", hpa.getSpec().getScaleTargetRef().getName());
    ConfigMap adapter = DeployFiles.only(
        DeployFiles.build(DeployFiles.K8S.resolve("prometheus-adapter")), ConfigMap.class);
    Map<String, Object> rules = Kustomize.map(new Yaml().load(adapter.getData()
        .get("config.yaml")), "adapter config");
    assertEquals(Set.of("rules"), rules.keySet());
    Set<String> served = new java.util.HashSet<>();
    for (Object r : (List<?>) rules.get("rules")) {
      Map<String, Object> rule = Kustomize.map(r, "adapter rule");
      assertTrue(Set.of("seriesQuery", "resources", "name", "metricsQuery", "seriesFilters")
          .containsAll(rule.keySet()), "adapter rule keys: " + rule.keySet());
      assertTrue(rule.get("seriesQuery").toString().startsWith("gateway_"));
      assertTrue(rule.get("metricsQuery").toString().contains("<<.Series>>"));
      served.add(Kustomize.map(rule.get("name"), "name").get("as").toString());
    }
    for (var metric : hpa.getSpec().getMetrics()) {
      assertTrue(served.contains(metric.getPods().getMetric().getName()),
          metric.getPods().getMetric().getName() + " is served by no adapter rule");
    }

    GenericKubernetesResource scaled = (GenericKubernetesResource) DeployFiles.only(
        DeployFiles.build(DeployFiles.K8S.resolve("overlays/keda")),
        GenericKubernetesResource.class);
    assertEquals("ScaledObject", scaled.getKind());
    assertEquals("inference-gateway", scaled.get("spec", "scaleTargetRef", "name"));
    List<?> triggers = scaled.get("spec", "triggers");
    assertFalse(triggers.isEmpty());
    for (Object t : triggers) {
      Map<String, Object> trigger = Kustomize.map(t, "trigger");
      assertEquals("prometheus", trigger.get("type"));
      Map<String, Object> meta = Kustomize.map(trigger.get("metadata"), "trigger metadata");
      assertEquals(Set.of("serverAddress", "query", "threshold"), meta.keySet());
      assertTrue(meta.get("query").toString().contains("gateway_"));
      Double.parseDouble(meta.get("threshold").toString());
    }
  }

  @Test
  void theKserveRuntimeServesOurFormatsOverTheOpenInferenceProtocol() throws Exception {
    GenericKubernetesResource runtime = (GenericKubernetesResource) StrictManifests.parse(
        Files.readString(DeployFiles.KSERVE.resolve("servingruntime.yaml")), "servingruntime");
    assertEquals("ServingRuntime", runtime.getKind());
    Map<String, Object> spec = runtime.get("spec");
    assertTrue(Set.of("annotations", "protocolVersions", "multiModel", "supportedModelFormats",
        "containers").containsAll(spec.keySet()), "ServingRuntime spec keys " + spec.keySet());
    assertEquals(List.of("v2", "grpc-v2"), spec.get("protocolVersions"));
    // Its formats are the model families of the bundled plugins.
    Set<String> families = bundledFamilies();
    assertTrue(families.containsAll(Set.of("lenet", "resnet", "resnext", "wide_resnet")),
        "the bundled plugins' families: " + families);
    List<?> formats = runtime.get("spec", "supportedModelFormats");
    Set<String> names = formats.stream().map(f -> Kustomize.map(f, "format").get("name")
        .toString()).collect(Collectors.toSet());
    assertEquals(families, names);
    List<?> containers = runtime.get("spec", "containers");
    Container c = StrictManifests.convert(containers.get(0), Container.class,
        "ServingRuntime container");
    new CommandLine(new GatewayMain()).parseArgs(c.getArgs().toArray(String[]::new));
    assertEquals(8080, c.getPorts().get(0).getContainerPort());
    assertEquals(Integer.valueOf(argument(c.getArgs(), "--port")),
        c.getPorts().get(0).getContainerPort());

    GenericKubernetesResource isvc = (GenericKubernetesResource) StrictManifests.parse(
        Files.readString(DeployFiles.KSERVE.resolve("inferenceservice.yaml")), "isvc");
    assertEquals("InferenceService", isvc.getKind());
    assertEquals(runtime.getMetadata().getName(),
        isvc.get("spec", "predictor", "model", "runtime"));
    assertTrue(names.contains(isvc.<String>get("spec", "predictor", "model", "modelFormat",
        "name")));
    assertEquals("v2", isvc.get("spec", "predictor", "model", "protocolVersion"));
  }

  /**
   * The families the bundled plugin JARs provide, as the gateway loads them: a plugin may provide
   * several (the resnet plugin provides resnet, resnext and wide_resnet), so the JAR names do not
   * tell.
   */
  private static Set<String> bundledFamilies() throws Exception {
    Set<String> families = new TreeSet<>();
    try (Stream<Path> files = Files.list(TestGateways.PLUGINS)) {
      for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar")).toList()) {
        LoadedPlugin plugin = new PluginLoader().load(jar);
        families.addAll(plugin.families().keySet());
        plugin.unload();
      }
    }
    return families;
  }

  @Test
  void theSystemdUnitVerifies() throws Exception {
    Path unit = DeployFiles.DEPLOY.resolve("systemd/inference-gateway.service");
    String text = Files.readString(unit);
    assertTrue(text.contains("ExecStart=/opt/inference-gateway/gateway.sh "));
    assertTrue(text.contains("KillSignal=SIGTERM"));
    assertTrue(text.contains("Restart=on-failure"));
    long stop = Long.parseLong(text.replaceAll("(?s).*\\nTimeoutStopSec=(\\d+).*", "$1"));
    String env = Files.readString(DeployFiles.DEPLOY.resolve("systemd/gateway.env"));
    long grace = Long.parseLong(env.replaceAll("(?s).*\\nGATEWAY_SHUTDOWN_GRACE_SECONDS=(\\d+).*",
        "$1"));
    assertTrue(stop > grace, "TimeoutStopSec must exceed the drain grace");
    File analyze = new File("/usr/bin/systemd-analyze");
    Prerequisites.require(analyze.canExecute(), "systemd-analyze", "systemd");
    // The launcher stands where the unit expects it to be installed.
    Path local = Files.writeString(dir.resolve("inference-gateway.service"), text.replace(
        "/opt/inference-gateway/gateway.sh",
        DeployFiles.DEPLOY.resolve("gateway.sh").toAbsolutePath().normalize().toString()));
    Process p = new ProcessBuilder(analyze.getPath(), "verify", local.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertEquals("", out.strip(), "systemd-analyze verify found problems");
  }

  private static String argument(List<String> args, String name) {
    int i = args.indexOf(name);
    assertTrue(i >= 0 && i + 1 < args.size(), name + " in " + args);
    return args.get(i + 1);
  }

  /** A JVM size as the launcher takes it (1g, 256m, 512k). */
  private static BigDecimal bytes(String jvmSize) {
    assertNotNull(jvmSize);
    char unit = Character.toLowerCase(jvmSize.charAt(jvmSize.length() - 1));
    long n = Long.parseLong(jvmSize.substring(0, jvmSize.length() - 1));
    int shift = switch (unit) {
      case 'k' -> 10;
      case 'm' -> 20;
      case 'g' -> 30;
      default -> throw new AssertionError("size " + jvmSize);
    };
    return BigDecimal.valueOf(n << shift);
  }
}
