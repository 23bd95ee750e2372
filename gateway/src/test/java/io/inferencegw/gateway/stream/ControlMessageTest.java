package io.inferencegw.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.core.GatewayException;
import org.junit.jupiter.api.Test;

class ControlMessageTest {

  private static final long MAX_PIXELS = 40_000_000L;
  private static final int MAX_BYTES = 4 * 1024 * 1024;

  private static ControlMessage parse(String text) {
    return ControlMessage.parse(text, MAX_PIXELS, MAX_BYTES);
  }

  private static String refused(String text) {
    return assertThrows(GatewayException.class, () -> parse(text)).getMessage();
  }

  @Test
  void rawSwitchesToPixelsOfTheGivenSize() {
    ControlMessage c = parse("{\"raw\": {\"width\": 640, \"height\": 480, \"channels\": 3}}");
    assertEquals("raw", c.name());
    assertEquals(new FrameFormat.Raw(640, 480, 3), c.format());
    assertEquals(new FrameFormat.Raw(28, 28, 1),
        parse("{\"raw\": {\"width\": 28, \"height\": 28, \"channels\": 1}}").format());
  }

  @Test
  void encodedSwitchesBack() {
    assertEquals(FrameFormat.ENCODED, parse("{\"encoded\": true}").format());
  }

  @Test
  void refusesWhatItCannotApply() {
    assertTrue(refused("not json").contains("not a JSON object"));
    assertTrue(refused("[1, 2]").contains("not a JSON object"));
    assertTrue(refused("{}").contains("exactly one key"));
    assertTrue(refused("{\"raw\": {\"width\": 2, \"height\": 2, \"channels\": 3}, \"encoded\": true}")
        .contains("exactly one key"));
    assertTrue(refused("{\"zoom\": 2}").contains("unknown control 'zoom'"));
    assertTrue(refused("{\"encoded\": false}").contains("true"));
    assertTrue(refused("{\"raw\": {\"width\": 2, \"height\": 2}}").contains("'raw' takes"));
    assertTrue(refused("{\"raw\": {\"width\": 0, \"height\": 2, \"channels\": 3}}").contains("width"));
    assertTrue(refused("{\"raw\": {\"width\": 2.5, \"height\": 2, \"channels\": 3}}").contains("width"));
    assertTrue(refused("{\"raw\": {\"width\": 2, \"height\": 2, \"channels\": 4}}").contains("channels"));
    assertTrue(refused("{\"raw\": {\"width\": 100000, \"height\": 100000, \"channels\": 3}}")
        .contains("pixel limit"));
    // 1920x1080 RGB is 6.2 MB: more than the 4 MiB message limit of this test.
    assertTrue(refused("{\"raw\": {\"width\": 1920, \"height\": 1080, \"channels\": 3}}")
        .contains("message limit"));
  }
}
