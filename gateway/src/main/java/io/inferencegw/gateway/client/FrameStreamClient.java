package io.inferencegw.gateway.client;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * A client of one frame stream ({@code /v1/models/{model}/stream}), for the stream benchmark
 * and the tests. The gateway answers every frame exactly once and in seq order, so a FIFO of
 * send times is enough to give each reply its latency.
 */
public final class FrameStreamClient {

  /**
   * One text message from the gateway.
   *
   * @param latencyNanos from sending the frame to this reply; 0 for control replies
   */
  public record Reply(JsonObject json, long latencyNanos) {
    public boolean isControl() {
      return json.containsKey("control");
    }

    public long seq() {
      return json.getLong("seq");
    }

    public String status() {
      return json.getString("status");
    }

    /** The top prediction's class index of an ok reply. */
    public int topIndex() {
      return json.getJsonArray("predictions").getJsonObject(0).getInteger("index");
    }
  }

  private final WebSocket ws;
  private final Queue<Long> sentAt = new ConcurrentLinkedQueue<>();

  private FrameStreamClient(WebSocket ws, Consumer<Reply> onReply) {
    this.ws = ws;
    ws.textMessageHandler(text -> {
      JsonObject json = new JsonObject(text);
      long latency = 0;
      if (!json.containsKey("control")) {
        Long t0 = sentAt.poll();
        latency = t0 == null ? 0 : System.nanoTime() - t0;
      }
      onReply.accept(new Reply(json, latency));
    });
  }

  /**
   * Opens a stream.
   *
   * @param query the query string without {@code ?}, e.g. {@code policy=all&top_k=1}, or empty
   * @param onReply called on the socket's event loop for every text message, in order
   */
  public static Future<FrameStreamClient> connect(WebSocketClient client, String host, int port,
      String model, String query, Consumer<Reply> onReply) {
    String uri = "/v1/models/" + model + "/stream" + (query.isEmpty() ? "" : "?" + query);
    WebSocketConnectOptions options =
        new WebSocketConnectOptions().setHost(host).setPort(port).setURI(uri);
    return client.connect(options).map(ws -> new FrameStreamClient(ws, onReply));
  }

  /** Sends one frame (an encoded image, or raw pixels after a raw control). */
  public Future<Void> sendFrame(byte[] frame) {
    sentAt.add(System.nanoTime());
    return ws.writeBinaryMessage(Buffer.buffer(frame));
  }

  public Future<Void> sendControl(String json) {
    return ws.writeTextMessage(json);
  }

  /** Frames sent and not answered yet. */
  public int outstanding() {
    return sentAt.size();
  }

  public WebSocket socket() {
    return ws;
  }

  public Future<Void> close() {
    return ws.close();
  }
}
