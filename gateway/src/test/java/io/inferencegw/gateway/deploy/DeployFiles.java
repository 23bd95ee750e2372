package io.inferencegw.gateway.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.inferencegw.gateway.config.ConfigLoader;
import io.inferencegw.gateway.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The deployment files under deploy/, and the gateway config they carry, for tests. */
final class DeployFiles {

  static final Path DEPLOY = Path.of("../deploy");
  static final Path K8S = DEPLOY.resolve("k8s");
  static final Path KSERVE = DEPLOY.resolve("kserve");
  /** Where the Deployment mounts the shared volume; the config names folders under it. */
  static final String REPOSITORY_MOUNT = "/var/lib/gateway";

  private DeployFiles() {}

  /** Every Kubernetes manifest (not the kustomization files). */
  static List<Path> manifests() throws IOException {
    try (Stream<Path> k8s = Files.walk(K8S); Stream<Path> kserve = Files.walk(KSERVE)) {
      return Stream.concat(k8s, kserve)
          .filter(p -> p.toString().endsWith(".yaml"))
          .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
          .sorted().toList();
    }
  }

  /** Every folder holding a kustomization. */
  static List<Path> kustomizations() throws IOException {
    try (Stream<Path> files = Files.walk(K8S)) {
      return files.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
          .map(Path::getParent).sorted().toList();
    }
  }

  /** The build of a kustomization, each resource strictly typed. */
  static List<HasMetadata> build(Path kustomization) throws IOException {
    return Kustomize.build(kustomization).stream()
        .map(doc -> StrictManifests.parse(new org.yaml.snakeyaml.Yaml().dump(doc),
            kustomization + " build: " + doc.get("kind")))
        .toList();
  }

  static <T extends HasMetadata> T only(List<HasMetadata> resources, Class<T> type) {
    List<T> found = resources.stream().filter(type::isInstance).map(type::cast).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
    }
    return found.get(0);
  }

  /** The gateway config of the ConfigMap, as the Deployment mounts it (file name = key). */
  static String configText(ConfigMap config, Deployment deployment) {
    Map<String, String> data = config.getData();
    String file = configArgument(deployment);
    String key = Path.of(file).getFileName().toString();
    if (!data.containsKey(key)) {
      throw new AssertionError("the ConfigMap has no key " + key + " for --config " + file);
    }
    return data.get(key);
  }

  /** The value of --config in the gateway container's args. */
  static String configArgument(Deployment deployment) {
    List<String> args = deployment.getSpec().getTemplate().getSpec().getContainers().get(0)
        .getArgs();
    int i = args.indexOf("--config");
    if (i < 0 || i + 1 >= args.size()) {
      throw new AssertionError("the gateway container has no --config argument: " + args);
    }
    return args.get(i + 1);
  }

  /**
   * Loads config text as the gateway would, with the shared volume's folders standing for this
   * build's plugins and model repository (target/plugins and target/models).
   */
  static GatewayConfig loadMounted(String configText, Path dir) throws IOException {
    String local = configText
        .replace(REPOSITORY_MOUNT + "/plugins", Path.of("target/plugins").toAbsolutePath().toString())
        .replace(REPOSITORY_MOUNT + "/models", Path.of("target/models").toAbsolutePath().toString());
    if (local.contains(REPOSITORY_MOUNT)) {
      throw new AssertionError("the config names a path of the volume other than its plugins "
          + "and models folders:\n" + configText);
    }
    Path file = Files.writeString(dir.resolve("gateway.yaml"), local);
    return ConfigLoader.load(file, Path.of("target/plugins"));
  }
}
