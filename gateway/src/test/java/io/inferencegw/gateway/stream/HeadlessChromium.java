package io.inferencegw.gateway.stream;

import io.inferencegw.plugin.api.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, driven over the Chrome DevTools Protocol with Vert.x's own
 * WebSocket client (no WebDriver, no extra dependency). One page; evaluate JavaScript in it,
 * take screenshots. Everything it talks to is on localhost.
 */
final class HeadlessChromium implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/bin/chromium");

  private final Process process;
  private final Path profile;
  private final WebSocketClient client;
  private final WebSocket socket;
  private final String session;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Promise<JsonObject>> pending = new ConcurrentHashMap<>();

  static boolean isInstalled() {
    return Files.isExecutable(BINARY);
  }

  /** @param extraFlags e.g. the fake camera flags */
  static HeadlessChromium launch(Vertx vertx, List<String> extraFlags) throws Exception {
    Path profile = Files.createTempDirectory("chromium-profile");
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(),
        // Without these, Chromium in a closed network stalls on updates, sync and QUIC probes.
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--remote-debugging-port=0",
        "--remote-debugging-address=127.0.0.1", "--window-size=1280,1000"));
    cmd.addAll(extraFlags);
    cmd.add("about:blank");
    Process process = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(profile.resolve("chromium.log").toFile())
        .start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      List<String> lines = Await.value("Chromium to open its DevTools port", () -> {
        if (!process.isAlive()) {
          throw new AssertionError("Chromium exited:\n"
              + Files.readString(profile.resolve("chromium.log")));
        }
        return Files.exists(portFile) ? Files.readAllLines(portFile) : List.<String>of();
      }, l -> l.size() >= 2);
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
          .setMaxFrameSize(64 << 20).setMaxMessageSize(64 << 20));
      WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(Integer.parseInt(lines.get(0).trim())).setURI(lines.get(1).trim()))
          .await(30, TimeUnit.SECONDS);
      return new HeadlessChromium(process, profile, client, socket);
    } catch (Exception | AssertionError e) {
      process.destroyForcibly();
      deleteTree(profile);
      throw e;
    }
  }

  private HeadlessChromium(Process process, Path profile, WebSocketClient client, WebSocket socket)
      throws Exception {
    this.process = process;
    this.profile = profile;
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(text -> {
      JsonObject message = new JsonObject(text);
      Promise<JsonObject> p = message.containsKey("id") ? pending.remove(message.getLong("id")) : null;
      if (p == null) {
        return; // an event
      }
      if (message.containsKey("error")) {
        p.fail(new IOException("CDP error: " + message.getJsonObject("error").encode()));
      } else {
        p.complete(message.getJsonObject("result"));
      }
    });
    String target = call(null, "Target.createTarget", new JsonObject().put("url", "about:blank"))
        .getString("targetId");
    this.session = call(null, "Target.attachToTarget",
        new JsonObject().put("targetId", target).put("flatten", true)).getString("sessionId");
    call(session, "Page.enable", new JsonObject());
  }

  private Future<JsonObject> send(String sessionId, String method, JsonObject params) {
    long id = ids.incrementAndGet();
    Promise<JsonObject> p = Promise.promise();
    pending.put(id, p);
    JsonObject message = new JsonObject().put("id", id).put("method", method).put("params", params);
    if (sessionId != null) {
      message.put("sessionId", sessionId);
    }
    socket.writeTextMessage(message.encode());
    return p.future();
  }

  private JsonObject call(String sessionId, String method, JsonObject params) throws Exception {
    return send(sessionId, method, params).await(30, TimeUnit.SECONDS);
  }

  void navigate(String url) throws Exception {
    call(session, "Page.navigate", new JsonObject().put("url", url));
  }

  /** Evaluates an expression in the page (awaiting a promise) and returns its JSON value. */
  Object evaluate(String expression) throws Exception {
    JsonObject result = call(session, "Runtime.evaluate", new JsonObject()
        .put("expression", expression).put("awaitPromise", true).put("returnByValue", true));
    if (result.containsKey("exceptionDetails")) {
      throw new IOException("page threw: " + result.getJsonObject("exceptionDetails").encode());
    }
    return result.getJsonObject("result").getValue("value");
  }

  void screenshot(Path file) throws Exception {
    String png = call(session, "Page.captureScreenshot", new JsonObject().put("format", "png"))
        .getString("data");
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(png));
  }

  @Override
  public void close() throws Exception {
    try {
      send(null, "Browser.close", new JsonObject());
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } finally {
      client.close();
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
