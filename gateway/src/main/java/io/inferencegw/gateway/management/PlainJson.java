package io.inferencegw.gateway.management;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON objects and arrays as plain maps and lists: the shape the config parser reads. */
public final class PlainJson {

  private PlainJson() {}

  public static Map<String, Object> map(JsonObject json) {
    Map<String, Object> out = new LinkedHashMap<>();
    json.forEach(e -> out.put(e.getKey(), value(e.getValue())));
    return out;
  }

  private static Object value(Object v) {
    if (v instanceof JsonObject o) {
      return map(o);
    }
    if (v instanceof JsonArray a) {
      return a.stream().map(PlainJson::value).toList();
    }
    return v;
  }
}
