package io.inferencegw.gateway.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.bench.FashionMnist;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A real Prometheus server scrapes the gateway and answers a query over its request counter. */
@ExtendWith(VertxExtension.class)
class PrometheusScrapeEndToEndTest {

  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

  @TempDir
  Path dir;

  @Test
  void prometheusScrapesTheRequestCounter(Vertx vertx) throws Exception {
    String prometheus = ExternalTools.require("prometheus", "Debian package prometheus");
    assumeTrue(FashionMnist.isInstalled(), "needs Debian's dataset-fashion-mnist");
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
      int port = freePort();
      server = new ProcessBuilder(prometheus,
          "--config.file=" + dir.resolve("prometheus.yml"),
          "--storage.tsdb.path=" + dir.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port)
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("prometheus.log").toFile())
          .start();
      String query = "sum(gateway_requests_total{api=\"classify\",model=\"fashion-lenet\","
          + "outcome=\"ok\"})";
      assertEquals(calls, awaitValue(port, query),
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

  /** The query's value once Prometheus has scraped it (bounded polling of its HTTP API). */
  private static double awaitValue(int port, String query) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
        + URLEncoder.encode(query, StandardCharsets.UTF_8));
    long giveUp = System.nanoTime() + WAIT_NANOS;
    String last = "";
    while (System.nanoTime() < giveUp) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(),
            HttpResponse.BodyHandlers.ofString());
        last = r.body();
        if (r.statusCode() == 200) {
          JsonArray result = new JsonObject(r.body()).getJsonObject("data").getJsonArray("result");
          if (!result.isEmpty()) {
            return Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
          }
        }
      } catch (java.io.IOException notUpYet) {
        last = notUpYet.toString();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no value for " + query + "; last answer: " + last);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String readLog(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
