package io.inferencegw.gateway.reload;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Broken variants of a real safetensors file for tests: the header rewritten (tensor offsets
 * kept, so changing F32 to I32 keeps the file well formed) or one stored float replaced.
 */
final class WeightFiles {

  /** The trained Fashion-MNIST LeNet-5 with ReLU the gateway bundles. */
  static final Path BUNDLED =
      Path.of("src/main/resources/default-model/fashion-lenet.safetensors").toAbsolutePath();

  /** The same network trained with sigmoid and average pooling: same shapes, other variant. */
  static final Path SIGMOID_LENET =
      Path.of("../plugins/lenet/weights/fashion-lenet5.safetensors").toAbsolutePath();

  private WeightFiles() {}

  /** Copies {@code source} to {@code target} with its JSON header edited. */
  static Path withHeader(Path source, Path target, Consumer<JsonObject> edit) throws IOException {
    ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(source)).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = (int) file.getLong(0);
    JsonObject header =
        new JsonObject(new String(file.array(), 8, headerLength, StandardCharsets.UTF_8));
    edit.accept(header);
    StringBuilder json = new StringBuilder(header.encode());
    while (json.length() % 8 != 0) {
      json.append(' ');
    }
    byte[] newHeader = json.toString().getBytes(StandardCharsets.UTF_8);
    int dataLength = file.capacity() - 8 - headerLength;
    ByteBuffer out = ByteBuffer.allocate(8 + newHeader.length + dataLength)
        .order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(newHeader.length).put(newHeader).put(file.array(), 8 + headerLength, dataLength);
    return Files.write(target, out.array());
  }

  /** Copies {@code source} to {@code target} with element {@code index} of an F32 tensor set. */
  static Path withFloat(Path source, Path target, String tensor, int index, float value)
      throws IOException {
    byte[] bytes = Files.readAllBytes(source);
    ByteBuffer file = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = (int) file.getLong(0);
    JsonObject header =
        new JsonObject(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
    long begin = header.getJsonObject(tensor).getJsonArray("data_offsets").getLong(0);
    file.putFloat((int) (8 + headerLength + begin + 4L * index), value);
    return Files.write(target, bytes);
  }
}
