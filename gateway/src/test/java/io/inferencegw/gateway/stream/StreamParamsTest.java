package io.inferencegw.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class StreamParamsTest {

  private static MultiMap query(String... pairs) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      m.add(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private static String refused(String... pairs) {
    GatewayException e = assertThrows(GatewayException.class, () -> StreamParams.parse(query(pairs)));
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    return e.getMessage();
  }

  @Test
  void defaultsAreTopFiveLatestAndTheCurrentVersion() {
    assertEquals(new StreamParams(5, StreamPolicy.LATEST, ""), StreamParams.parse(query()));
  }

  @Test
  void readsEveryParameter() {
    assertEquals(new StreamParams(3, StreamPolicy.ALL, "7"),
        StreamParams.parse(query("top_k", "3", "policy", "all", "version", "7")));
  }

  @Test
  void refusesBadValuesUnknownNamesAndRepeats() {
    assertTrue(refused("top_k", "0").contains("top_k"));
    assertTrue(refused("top_k", "-2").contains("top_k"));
    assertTrue(refused("top_k", "99999999999").contains("top_k"));
    assertTrue(refused("policy", "LATEST").contains("policy"));
    assertTrue(refused("version", " ").contains("version"));
    assertTrue(refused("polcy", "all").contains("'polcy'"));
    assertTrue(refused("policy", "all", "policy", "latest").contains("more than once"));
  }
}
