package io.inferencegw.gateway.stream;

import io.inferencegw.gateway.core.GatewayException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * A text message of a stream: a JSON object with exactly one key, the control's name.
 *
 * <ul>
 *   <li>{@code {"raw": {"width": W, "height": H, "channels": C}}}: the next binary messages are
 *       raw uint8 HWC pixels of that size (C is 3, or 1 for grayscale)
 *   <li>{@code {"encoded": true}}: back to encoded JPEG/PNG frames (the default)
 * </ul>
 *
 * @param name the control's key, for its acknowledgement
 * @param format how binary messages are read from now on
 */
record ControlMessage(String name, FrameFormat format) {

  private static final Set<String> RAW_KEYS = Set.of("width", "height", "channels");

  /**
   * @param maxPixels largest width x height the gateway decodes
   * @param maxMessageBytes largest binary message of a stream; a raw size that could never fit
   *     is refused now rather than on every frame
   * @throws GatewayException INVALID_ARGUMENT saying what is wrong
   */
  static ControlMessage parse(String text, long maxPixels, int maxMessageBytes) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw GatewayException.invalid("control message is not a JSON object: "
          + abbreviate(text));
    }
    if (json.size() != 1) {
      throw GatewayException.invalid(
          "a control message has exactly one key, 'raw' or 'encoded'; got " + json.fieldNames());
    }
    String name = json.fieldNames().iterator().next();
    return switch (name) {
      case "raw" -> new ControlMessage(name, raw(json.getValue("raw"), maxPixels, maxMessageBytes));
      case "encoded" -> {
        if (!Boolean.TRUE.equals(json.getValue("encoded"))) {
          throw GatewayException.invalid("'encoded' takes the value true");
        }
        yield new ControlMessage(name, FrameFormat.ENCODED);
      }
      default -> throw GatewayException.invalid(
          "unknown control '" + name + "'; controls are 'raw' and 'encoded'");
    };
  }

  private static FrameFormat raw(Object value, long maxPixels, int maxMessageBytes) {
    if (!(value instanceof JsonObject size) || !RAW_KEYS.equals(size.fieldNames())) {
      throw GatewayException.invalid(
          "'raw' takes {\"width\": W, \"height\": H, \"channels\": C}, got " + value);
    }
    long width = positive(size, "width");
    long height = positive(size, "height");
    long channels = positive(size, "channels");
    if (channels != 1 && channels != 3) {
      throw GatewayException.invalid("raw channels must be 3 (RGB) or 1 (grayscale), got " + channels);
    }
    if (width * height > maxPixels) {
      throw GatewayException.invalid(
          "raw frames of " + width + "x" + height + " exceed the " + maxPixels + "-pixel limit");
    }
    if (width * height * channels > maxMessageBytes) {
      throw GatewayException.invalid("raw frames of " + width + "x" + height + "x" + channels
          + " bytes exceed the stream message limit of " + maxMessageBytes + " bytes");
    }
    return new FrameFormat.Raw((int) width, (int) height, (int) channels);
  }

  private static long positive(JsonObject size, String key) {
    Object v = size.getValue(key);
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 1
        || ((Number) v).longValue() > Integer.MAX_VALUE) {
      throw GatewayException.invalid("raw " + key + " must be a positive integer, got " + v);
    }
    return ((Number) v).longValue();
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
