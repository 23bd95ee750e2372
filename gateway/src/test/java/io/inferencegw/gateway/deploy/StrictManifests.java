package io.inferencegw.gateway.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes manifests read into fabric8's typed model, strictly: the model keeps fields it does
 * not know in each object's additional properties instead of failing, so every object is walked
 * and any such field is an error naming its path. A typo like {@code readinesProbe} would
 * otherwise pass and leave the pod without its probe.
 */
final class StrictManifests {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private StrictManifests() {}

  /** One manifest document, as the typed class of its kind (generic for custom resources). */
  static HasMetadata parse(String yaml, String source) {
    Object parsed = SERIALIZATION.unmarshal(yaml);
    if (!(parsed instanceof HasMetadata resource)) {
      throw new AssertionError(source + ": not one Kubernetes resource but " + parsed);
    }
    List<String> unknown = new ArrayList<>();
    if (resource instanceof GenericKubernetesResource generic) {
      // Its content is all additional properties; only the metadata is typed.
      walk(generic.getMetadata(), source + ".metadata", unknown);
    } else {
      walk(resource, source, unknown);
    }
    if (!unknown.isEmpty()) {
      throw new AssertionError(source + ": fields the Kubernetes model does not know: " + unknown);
    }
    return resource;
  }

  /** A part of a custom resource read as a typed model class, strictly. */
  static <T> T convert(Object value, Class<T> type, String source) {
    T typed = SERIALIZATION.convertValue(value, type);
    List<String> unknown = new ArrayList<>();
    walk(typed, source, unknown);
    if (!unknown.isEmpty()) {
      throw new AssertionError(source + ": fields " + type.getSimpleName()
          + " does not have: " + unknown);
    }
    return typed;
  }

  static String asYaml(Object resource) {
    return SERIALIZATION.asYaml(resource);
  }

  private static void walk(Object node, String path, List<String> unknown) {
    if (node == null) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", unknown);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, unknown));
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || getter.getDeclaringClass() == Object.class || !getter.getName().startsWith("get")) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> unknown.add(path + "." + k));
        }
      } else {
        walk(value, path + "." + propertyName(getter), unknown);
      }
    }
  }

  private static String propertyName(Method getter) {
    String n = getter.getName().substring(3);
    return n.isEmpty() ? n : Character.toLowerCase(n.charAt(0)) + n.substring(1);
  }
}
