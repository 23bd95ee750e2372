package io.inferencegw.gateway.stream;

import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.admission.ModelRouting;
import io.vertx.core.MultiMap;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query parameters of a stream handshake, {@code ?top_k=5&policy=latest&version=3}. Checked
 * strictly, like the config: an unknown or repeated parameter is refused (HTTP 400) rather than
 * ignored, so that a typo such as {@code polcy=all} does not silently stream with the default.
 *
 * @param topK predictions per reply, at least 1 (capped at the model's class count later)
 * @param policy what happens to frames that arrive faster than the model answers
 * @param version a pinned model version, or empty for the current one
 */
public record StreamParams(int topK, StreamPolicy policy, String version) {

  private static final Set<String> KNOWN = new TreeSet<>(Set.of("top_k", "policy", "version"));

  /** @throws GatewayException INVALID_ARGUMENT naming the bad parameter */
  public static StreamParams parse(MultiMap query) {
    for (String name : query.names()) {
      if (!KNOWN.contains(name)) {
        throw GatewayException.invalid(
            "unknown query parameter '" + name + "'; known parameters are " + KNOWN);
      }
      if (query.getAll(name).size() > 1) {
        throw GatewayException.invalid("query parameter '" + name + "' is given more than once");
      }
    }
    return new StreamParams(topK(query.get("top_k")), policy(query.get("policy")),
        version(query.get("version")));
  }

  private static int topK(String value) {
    if (value == null) {
      return ModelRouting.DEFAULT_TOP_K;
    }
    try {
      int k = Integer.parseInt(value);
      if (k >= 1) {
        return k;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw GatewayException.invalid("top_k must be a positive integer, got '" + value + "'");
  }

  private static StreamPolicy policy(String value) {
    if (value == null) {
      return StreamPolicy.LATEST;
    }
    for (StreamPolicy p : StreamPolicy.values()) {
      if (p.label().equals(value)) {
        return p;
      }
    }
    throw GatewayException.invalid("policy must be 'latest' or 'all', got '" + value + "'");
  }

  private static String version(String value) {
    if (value == null) {
      return "";
    }
    if (value.isBlank()) {
      throw GatewayException.invalid("version must not be empty (leave it out for the current one)");
    }
    return value;
  }
}
