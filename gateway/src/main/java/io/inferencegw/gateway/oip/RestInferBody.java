package io.inferencegw.gateway.oip;

import io.inferencegw.gateway.core.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The body of a REST infer request: a JSON inference request, optionally followed by the binary
 * tensor data extension's binary section. With the extension, the
 * {@code Inference-Header-Content-Length} header gives the length of the JSON part, and each
 * input with the parameter {@code binary_data_size} takes that many bytes of the binary section,
 * in input order. Every number that comes from the client is checked against the body before it
 * is used; each problem is an INVALID_ARGUMENT that names it.
 *
 * <p>JSON has no bytes: a BYTES element in JSON {@code data} is a base64 string.
 */
final class RestInferBody {

  static final String HEADER_LENGTH = "Inference-Header-Content-Length";
  private static final String BINARY_SIZE = "binary_data_size";

  /**
   * @param binaryOutputs the request's {@code binary_data_output}: outputs it does not name are
   *     answered in binary form
   */
  record Parsed(InferCall call, boolean binaryOutputs) {}

  private RestInferBody() {}

  static Parsed parse(String model, String version, Buffer body, String headerLength) {
    int jsonLength = jsonLength(body.length(), headerLength);
    JsonObject json;
    try {
      json = new JsonObject(body.slice(0, jsonLength));
    } catch (DecodeException | ClassCastException e) {
      throw GatewayException.invalid("the request is not a JSON object: " + e.getMessage());
    }
    try {
      return parse(model, version, json, body, jsonLength, headerLength != null);
    } catch (ClassCastException e) {
      throw GatewayException.invalid("the request does not follow the inference request schema"
          + " (a field has the wrong JSON type)");
    }
  }

  private static int jsonLength(int bodyLength, String header) {
    if (header == null) {
      return bodyLength;
    }
    long n;
    try {
      n = Long.parseLong(header.strip());
    } catch (NumberFormatException e) {
      throw GatewayException.invalid(HEADER_LENGTH + " '" + header + "' is not a number");
    }
    if (n < 0 || n > bodyLength) {
      throw GatewayException.invalid(HEADER_LENGTH + " " + n + " is outside the body of "
          + bodyLength + " bytes");
    }
    return (int) n;
  }

  private static Parsed parse(String model, String version, JsonObject json, Buffer body,
      int jsonLength, boolean binaryAllowed) {
    JsonArray inputsJson = json.getJsonArray("inputs");
    if (inputsJson == null) {
      throw GatewayException.invalid("the request has no 'inputs'");
    }
    long offset = jsonLength;
    List<InputTensor> inputs = new ArrayList<>();
    for (int i = 0; i < inputsJson.size(); i++) {
      JsonObject in = inputsJson.getJsonObject(i);
      String name = in.getString("name", "");
      String datatype = in.getString("datatype", "");
      long[] shape = shape(name, in.getJsonArray("shape"));
      int count = InputTensor.elementCount(name, shape);
      Object size = parameters(in).getValue(BINARY_SIZE);
      if (size == null) {
        inputs.add(fromJson(name, datatype, shape, count, in.getValue("data")));
        continue;
      }
      if (!binaryAllowed) {
        throw GatewayException.invalid("input '" + name + "' has " + BINARY_SIZE + " but the"
            + " request has no " + HEADER_LENGTH + " header");
      }
      if (in.containsKey("data")) {
        throw GatewayException.invalid("input '" + name + "' has both data and " + BINARY_SIZE);
      }
      long n = integer("input '" + name + "' " + BINARY_SIZE, size);
      if (n < 0 || n > body.length() - offset) {
        throw GatewayException.invalid("input '" + name + "' " + BINARY_SIZE + " " + n
            + " runs past the end of the body (" + (body.length() - offset) + " bytes left)");
      }
      byte[] raw = body.getBytes((int) offset, (int) (offset + n));
      offset += n;
      inputs.add(datatype.equals("BYTES")
          ? InputTensor.bytes(name, datatype, shape,
              BytesElements.decode(name, ByteBuffer.wrap(raw), count))
          : InputTensor.raw(name, datatype, shape, raw));
    }
    if (offset != body.length()) {
      throw GatewayException.invalid((body.length() - offset) + " bytes of binary data follow"
          + " the JSON that no input's " + BINARY_SIZE + " accounts for");
    }
    boolean binaryOutputs = parameters(json).getBoolean("binary_data_output", false);
    List<RequestedOutput> outputs = new ArrayList<>();
    JsonArray outputsJson = json.getJsonArray("outputs", new JsonArray());
    for (int i = 0; i < outputsJson.size(); i++) {
      JsonObject o = outputsJson.getJsonObject(i);
      String name = o.getString("name", "");
      JsonObject p = parameters(o);
      Object n = p.getValue(OipProtocol.CLASSIFICATION);
      int classification = n == null ? 0 : OipModels.classificationCount(name,
          integer("output '" + name + "' classification", n));
      outputs.add(new RequestedOutput(name, classification,
          p.getBoolean("binary_data", binaryOutputs)));
    }
    Object timeout = parameters(json).getValue(InferCall.TIMEOUT);
    long timeoutMicros = timeout == null ? 0
        : InferCall.checkedTimeout(integer("parameter timeout", timeout));
    return new Parsed(new InferCall(model, version, json.getString("id", ""), inputs, outputs,
        timeoutMicros), binaryOutputs);
  }

  private static JsonObject parameters(JsonObject owner) {
    return owner.getJsonObject("parameters", new JsonObject());
  }

  private static long[] shape(String name, JsonArray shape) {
    if (shape == null) {
      throw GatewayException.invalid("input '" + name + "' has no shape");
    }
    long[] out = new long[shape.size()];
    for (int d = 0; d < out.length; d++) {
      out[d] = integer("input '" + name + "' shape", shape.getValue(d));
    }
    return out;
  }

  private static long integer(String what, Object value) {
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw GatewayException.invalid(what + " must be an integer, got " + value);
  }

  private static InputTensor fromJson(
      String name, String datatype, long[] shape, int count, Object data) {
    if (data == null) {
      throw GatewayException.invalid("input '" + name + "' has neither data nor "
          + BINARY_SIZE);
    }
    List<Object> values = new ArrayList<>();
    flatten(name, data, values, count);
    switch (datatype) {
      case "BYTES": {
        List<byte[]> elements = new ArrayList<>(values.size());
        for (Object v : values) {
          if (!(v instanceof String s)) {
            throw element(name, elements.size(), "a BYTES element in JSON is a base64 string");
          }
          try {
            elements.add(Base64.getDecoder().decode(s));
          } catch (IllegalArgumentException e) {
            throw element(name, elements.size(), "not base64: " + e.getMessage());
          }
        }
        return InputTensor.bytes(name, datatype, shape, elements);
      }
      case "FP32": {
        ByteBuffer raw = ByteBuffer.allocate(values.size() * Float.BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);
        for (Object v : values) {
          if (!(v instanceof Number n)) {
            throw element(name, raw.position() / Float.BYTES, "not a number");
          }
          raw.putFloat(n.floatValue());
        }
        return InputTensor.raw(name, datatype, shape, raw.array());
      }
      case "UINT8": {
        byte[] raw = new byte[values.size()];
        for (int i = 0; i < raw.length; i++) {
          Object v = values.get(i);
          if (!(v instanceof Integer n) || n < 0 || n > 255) {
            throw element(name, i, v + " is not a UINT8 value");
          }
          raw[i] = (byte) (int) n;
        }
        return InputTensor.raw(name, datatype, shape, raw);
      }
      default:
        throw GatewayException.invalid("input '" + name + "': datatype " + datatype
            + " is not taken (BYTES, UINT8 or FP32)");
    }
  }

  /** The values of nested arrays in row-major order; never more than the shape says. */
  private static void flatten(String name, Object data, List<Object> out, int count) {
    if (data instanceof JsonArray a) {
      for (Object v : a) {
        flatten(name, v, out, count);
      }
      return;
    }
    if (out.size() == count) {
      throw GatewayException.invalid("input '" + name + "': data holds more than the " + count
          + " elements its shape says");
    }
    out.add(data);
  }

  private static GatewayException element(String input, int index, String problem) {
    return GatewayException.invalid("input '" + input + "' element " + index + ": " + problem);
  }
}
