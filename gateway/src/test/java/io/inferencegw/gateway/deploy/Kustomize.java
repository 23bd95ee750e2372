package io.inferencegw.gateway.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.Yaml;

/**
 * The part of {@code kustomize build} the manifests under deploy/k8s use, so that the overlays
 * are checked where no kustomize is installed: {@code resources} (files and folders holding a
 * kustomization) and {@code patches} naming strategic-merge patch files. Any other key fails, so
 * an overlay cannot rely on something this does not do.
 *
 * <p>The merge is strategic merge for what the patches touch: maps merge key by key, lists of
 * named objects (containers, volumes, env, ports) merge by name, other lists are replaced.
 */
final class Kustomize {

  private static final Set<String> KEYS = Set.of("apiVersion", "kind", "resources", "patches");

  private Kustomize() {}

  /** The resources of the kustomization in {@code dir}, patched, as YAML maps. */
  static List<Map<String, Object>> build(Path dir) throws IOException {
    Map<String, Object> k = load(dir.resolve("kustomization.yaml"));
    for (String key : k.keySet()) {
      if (!KEYS.contains(key)) {
        throw new AssertionError(dir + "/kustomization.yaml: key '" + key
            + "' is not one the test's kustomize build supports " + KEYS);
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object r : list(k.get("resources"))) {
      Path p = dir.resolve(r.toString()).normalize();
      if (Files.isDirectory(p)) {
        out.addAll(build(p));
      } else {
        out.add(load(p));
      }
    }
    for (Object entry : list(k.get("patches"))) {
      Map<String, Object> patchRef = map(entry, dir + ": patches entry");
      if (!patchRef.keySet().equals(Set.of("path"))) {
        throw new AssertionError(dir + ": only patches with a path are supported: " + patchRef);
      }
      Path p = dir.resolve(patchRef.get("path").toString());
      Map<String, Object> patch = load(p);
      Map<String, Object> target = out.stream().filter(res -> sameObject(res, patch)).findFirst()
          .orElseThrow(() -> new AssertionError(p + ": patches no resource of the build"));
      merge(target, patch);
    }
    return out;
  }

  static Map<String, Object> load(Path file) throws IOException {
    return map(new Yaml().load(Files.readString(file)), file.toString());
  }

  private static boolean sameObject(Map<String, Object> a, Map<String, Object> b) {
    return a.get("kind").equals(b.get("kind"))
        && name(a).equals(name(b));
  }

  private static String name(Map<String, Object> resource) {
    return String.valueOf(map(resource.get("metadata"), "metadata").get("name"));
  }

  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> target, Map<String, Object> patch) {
    patch.forEach((key, value) -> {
      Object old = target.get(key);
      if (value == null) {
        target.remove(key);
      } else if (old instanceof Map && value instanceof Map) {
        merge((Map<String, Object>) old, (Map<String, Object>) value);
      } else if (old instanceof List<?> oldList && value instanceof List<?> newList
          && isNamed(oldList) && isNamed(newList)) {
        target.put(key, mergeByName(oldList, newList));
      } else {
        target.put(key, value);
      }
    });
  }

  @SuppressWarnings("unchecked")
  private static List<Object> mergeByName(List<?> old, List<?> patch) {
    Map<Object, Map<String, Object>> byName = new LinkedHashMap<>();
    for (Object o : old) {
      Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) o);
      byName.put(copy.get("name"), copy);
    }
    for (Object p : patch) {
      Map<String, Object> item = (Map<String, Object>) p;
      Map<String, Object> existing = byName.get(item.get("name"));
      if (existing == null) {
        byName.put(item.get("name"), new LinkedHashMap<>(item));
      } else {
        merge(existing, item);
      }
    }
    return new ArrayList<>(byName.values());
  }

  private static boolean isNamed(List<?> list) {
    return !list.isEmpty()
        && list.stream().allMatch(o -> o instanceof Map<?, ?> m && m.get("name") != null);
  }

  private static List<?> list(Object o) {
    return o == null ? List.of() : (List<?>) o;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o, String where) {
    if (!(o instanceof Map)) {
      throw new AssertionError(where + ": expected a map, got " + o);
    }
    return (Map<String, Object>) o;
  }
}
