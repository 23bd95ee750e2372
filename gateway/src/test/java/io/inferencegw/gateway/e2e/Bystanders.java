package io.inferencegw.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.FrameStreamClient;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Well-behaved clients beside a hostile one: a gRPC Classify, {@code GET /health/live} and a
 * WebSocket frame stream, each on its own connection that it keeps (three in all), so that a
 * test can show they are served while an attack runs, also when the port is at its connection
 * limit. With {@link #reconnecting} they open fresh connections for every check instead, for
 * a gateway whose idle timeout is shorter than a test.
 *
 * <p>The HTTP check uses the JDK's client (HTTP/1.1, one kept-alive connection): Vert.x's
 * client now and then left a quick request on a kept-alive connection without an answer,
 * which made the check fail for a reason of the client's own.
 */
public final class Bystanders implements AutoCloseable {

  private static final String MODEL = "fashion-lenet";

  private final int port;
  private final FashionMnist data;
  private final int[] reference;
  private final Vertx vertx;
  private final boolean reconnect;
  private GatewayClient grpc;
  private HttpClient http;
  private WebSocketClient webSockets;
  private final BlockingQueue<FrameStreamClient.Reply> replies = new LinkedBlockingQueue<>();
  private FrameStreamClient stream;

  /** Clients that keep their three connections from check to check. */
  public Bystanders(Vertx vertx, int port, FashionMnist data, int[] reference) {
    this(vertx, port, data, reference, false);
  }

  private Bystanders(Vertx vertx, int port, FashionMnist data, int[] reference, boolean reconnect) {
    this.vertx = vertx;
    this.port = port;
    this.data = data;
    this.reference = reference;
    this.reconnect = reconnect;
    connect();
  }

  /** Clients that open their connections anew for every check and close them after it. */
  public static Bystanders reconnecting(Vertx vertx, int port, FashionMnist data, int[] reference) {
    return new Bystanders(vertx, port, data, reference, true);
  }

  private void connect() {
    grpc = new GatewayClient(vertx, "localhost", port);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30)).build();
    webSockets = vertx.createWebSocketClient();
  }

  /** Each client gets the right answer for test image {@code image}. */
  public void check(int image) throws Exception {
    if (reconnect) {
      close();
      stream = null;
      connect();
    }
    ClassifyRequest request = ClassifyRequest.newBuilder().setModel(MODEL)
        .setImage(ByteString.copyFrom(data.png(image))).build();
    assertEquals(reference[image],
        grpc.classify(request).await(30, TimeUnit.SECONDS).getPredictions(0).getIndex(),
        "gRPC Classify of image " + image);
    HttpResponse<String> live = http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health/live"))
            .timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, live.statusCode(), "/health/live");
    assertEquals("live\n", live.body());
    if (stream == null || stream.socket().isClosed()) {
      stream = FrameStreamClient.connect(webSockets, "localhost", port, MODEL, "policy=all",
          replies::add).await(30, TimeUnit.SECONDS);
    }
    stream.sendFrame(data.png(image)).await(30, TimeUnit.SECONDS);
    FrameStreamClient.Reply reply = replies.poll(30, TimeUnit.SECONDS);
    assertNotNull(reply, "a reply on the well-behaved stream");
    assertEquals(reference[image], reply.topIndex(), "stream frame of image " + image);
  }

  @Override
  public void close() throws Exception {
    if (stream != null && !stream.socket().isClosed()) {
      stream.close().await(10, TimeUnit.SECONDS);
    }
    grpc.close();
    // the JDK 17 client has no close(): a new one (in connect) opens a new connection, and the
    // old one's idle connection is closed by the gateway's idle timeout
    webSockets.close();
  }
}
