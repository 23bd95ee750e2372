package io.inferencegw.gateway.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.e2e.TestPorts;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.plugin.api.testing.Prerequisites;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A real Prometheus server scrapes the gateway and answers a query over its request counter. */
@ExtendWith(VertxExtension.class)
class PrometheusScrapeEndToEndTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @Test
  void prometheusScrapesTheRequestCounter(Vertx vertx) throws Exception {
    String prometheus = Prerequisites.executable("prometheus", "prometheus");
    Prerequisites.require(FashionMnist.isInstalled(), "the Fashion-MNIST test set",
        "dataset-fashion-mnist");
    Gateway gateway = Gateway.start(vertx, TestGateways.withModels())
        .await(60, TimeUnit.SECONDS);
    GatewayClient client = new GatewayClient(vertx, "localhost", gateway.port());
    Process server = null;
    try {
      int calls = 3;
      FashionMnist data = FashionMnist.testSet();
      for (int i = 0; i < calls; i++) {
        client.classify(ClassifyRequest.newBuilder().setModel("fashion-lenet")
            .setImage(ByteString.copyFrom(data.png(i))).build()).await(30, TimeUnit.SECONDS);
      }
      Files.writeString(dir.resolve("prometheus.yml"), """
          global:
            scrape_interval: 1s
          scrape_configs:
            - job_name: gateway
              static_configs:
                - targets: ['127.0.0.1:%d']
          """.formatted(gateway.port()));
      int port = TestPorts.free();
      server = new ProcessBuilder(prometheus,
          "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port)
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("prometheus.log").toFile())
          .start();
      String query = "sum(gateway_requests_total{api=\"classify\",model=\"fashion-lenet\","
          + "outcome=\"ok\"})";
      assertEquals(calls, awaitValue(server, dir.resolve("prometheus.log"), port, query),
          () -> "prometheus log:\n" + readLog(dir.resolve("prometheus.log")));
    } finally {
      if (server != null) {
        server.destroy();
        server.waitFor(10, TimeUnit.SECONDS);
      }
      client.close();
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  /** An answer of Prometheus's HTTP API. */
  private record Answer(int status, String body) {}

  /** The query's value once Prometheus has scraped it (polling its HTTP API). */
  private static double awaitValue(Process server, Path log, int port, String query) {
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
        + URLEncoder.encode(query, StandardCharsets.UTF_8));
    // Prometheus starts, then scrapes every second: a minute is far more than it needs.
    Answer answer = Await.value("Prometheus to have a value for " + query, WAIT, () -> {
      if (!server.isAlive()) {
        throw new AssertionError("prometheus exited:\n" + readLog(log));
      }
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    }, a -> a.status() == 200 && !result(a.body()).isEmpty());
    return Double.parseDouble(
        result(answer.body()).getJsonObject(0).getJsonArray("value").getString(1));
  }

  private static JsonArray result(String body) {
    return new JsonObject(body).getJsonObject("data").getJsonArray("result");
  }

  private static String readLog(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
