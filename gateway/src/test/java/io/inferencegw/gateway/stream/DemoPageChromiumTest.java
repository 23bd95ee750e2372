package io.inferencegw.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.e2e.FashionLenetReference;
import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.server.Gateway;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Await;
import io.inferencegw.plugin.api.testing.Prerequisites;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo page in a real headless Chromium: its fake camera plays a Fashion-MNIST test image
 * (a Y4M file this test writes), the page streams the camera to the gateway over the
 * WebSocket, and the predictions, fps and latency must appear on the page, with the class the
 * offline reference gives that image. A screenshot goes to {@code target/screenshots/}.
 */
@ExtendWith(VertxExtension.class)
class DemoPageChromiumTest {

  private static final String[] LABELS = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
  static final Path SCREENSHOTS = Path.of("target/screenshots");

  @TempDir static Path dir;
  private static Vertx vertx;
  private static Gateway gateway;
  private static FashionMnist data;
  private static int[] reference;

  @BeforeAll
  static void start(Vertx v) throws Exception {
    Prerequisites.require(HeadlessChromium.isInstalled(), "Chromium", "chromium");
    Prerequisites.require(FashionMnist.isInstalled(), "the Fashion-MNIST test set",
        "dataset-fashion-mnist");
    vertx = v;
    data = FashionMnist.testSet();
    reference = FashionLenetReference.predictions(data);
    gateway = Gateway.start(vertx, TestGateways.withModels()).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
  }

  /** The first test image of a class that the reference classifies correctly. */
  private static int imageOf(int label) {
    for (int i = 0; i < data.count(); i++) {
      if (data.label(i) == label && reference[i] == label) {
        return i;
      }
    }
    throw new AssertionError("no image of class " + label);
  }

  @Test
  void cameraFramesAreClassifiedAndTheAnswersRenderedOverTheVideo() throws Exception {
    int image = imageOf(9); // an ankle boot
    Path camera = dir.resolve("camera.y4m");
    writeY4m(camera, data.image(image), data.rows(), data.cols());
    try (HeadlessChromium chromium = HeadlessChromium.launch(vertx, List.of(
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        "--use-file-for-fake-video-capture=" + camera))) {
      chromium.navigate("http://localhost:" + gateway.port() + "/"); // redirects to /demo/
      waitFor(chromium, "document.querySelector('#model option[value=\"fashion-lenet\"]') !== null",
          "the model list");
      assertEquals("/demo/", chromium.evaluate("location.pathname"));
      chromium.evaluate("document.getElementById('camera').click()");
      waitFor(chromium, "window.streamStats.ok >= 30", "30 answered frames");

      assertEquals(0, ((Number) chromium.evaluate("window.streamStats.errors")).intValue());
      assertEquals(3, ((Number) chromium.evaluate(
          "document.querySelectorAll('#predictions .prediction').length")).intValue(),
          "top 3 rendered");
      assertEquals(LABELS[reference[image]], chromium.evaluate(
          "document.querySelector('#predictions .prediction .label').textContent"),
          "the camera shows test image " + image);
      assertTrue(((String) chromium.evaluate(
          "document.querySelector('#predictions .prediction .score').textContent")).endsWith("%"));
      waitFor(chromium, "Number(document.getElementById('hud-fps').textContent) > 0", "an fps");
      assertTrue(((String) chromium.evaluate("document.getElementById('hud-latency').textContent"))
          .matches("\\d+"), "latency shown in ms");
      assertEquals("streaming to fashion-lenet",
          chromium.evaluate("document.getElementById('connection').textContent"));
      assertEquals(true, chromium.evaluate("document.getElementById('error').hidden"));
      chromium.screenshot(SCREENSHOTS.resolve("stream-demo-camera.png"));

      chromium.evaluate("document.getElementById('stop').click()");
      waitFor(chromium, "document.getElementById('connection').textContent === 'not streaming'",
          "the stream stopped");
    }
  }

  @Test
  void aLocalVideoFileIsStreamedToo() throws Exception {
    int image = imageOf(1); // trousers
    try (HeadlessChromium chromium = HeadlessChromium.launch(vertx, List.of())) {
      chromium.navigate("http://localhost:" + gateway.port() + "/demo/");
      waitFor(chromium, "document.querySelector('#model option[value=\"fashion-lenet\"]') !== null",
          "the model list");
      // Record a short WebM of the image in the page itself, then choose it as the file.
      chromium.evaluate(recordAndChooseVideo(data.image(image), data.rows(), data.cols()));
      waitFor(chromium, "window.streamStats.ok >= 10", "10 answered frames");
      assertEquals(LABELS[reference[image]], chromium.evaluate(
          "document.querySelector('#predictions .prediction .label').textContent"));
      chromium.screenshot(SCREENSHOTS.resolve("stream-demo-file.png"));
    }
  }

  /**
   * JavaScript that draws the image on a canvas, records 1.5 s of it with MediaRecorder, and
   * hands the recording to the page's file input as a user would.
   */
  private static String recordAndChooseVideo(byte[] gray, int rows, int cols) {
    StringBuilder pixels = new StringBuilder();
    for (byte b : gray) {
      pixels.append(b & 0xFF).append(',');
    }
    return """
        (async () => {
          const px = [%s];
          const small = document.createElement('canvas');
          small.width = %d; small.height = %d;
          const img = small.getContext('2d').createImageData(%d, %d);
          for (let i = 0; i < px.length; i++) {
            img.data.set([px[i], px[i], px[i], 255], 4 * i);
          }
          small.getContext('2d').putImageData(img, 0, 0);
          const canvas = document.createElement('canvas');
          canvas.width = 320; canvas.height = 320;
          const ctx = canvas.getContext('2d');
          const draw = () => ctx.drawImage(small, 0, 0, 320, 320);
          draw();
          const timer = setInterval(draw, 30);
          const recorder = new MediaRecorder(canvas.captureStream(30), {mimeType: 'video/webm'});
          const chunks = [];
          recorder.ondataavailable = (e) => chunks.push(e.data);
          const done = new Promise((resolve) => recorder.onstop = resolve);
          recorder.start(100);
          await new Promise((resolve) => setTimeout(resolve, 1500));
          recorder.stop();
          await done;
          clearInterval(timer);
          const file = new File(chunks, 'trousers.webm', {type: 'video/webm'});
          const transfer = new DataTransfer();
          transfer.items.add(file);
          const input = document.getElementById('file');
          input.files = transfer.files;
          input.dispatchEvent(new Event('change'));
          return file.size;
        })()
        """.formatted(pixels, cols, rows, cols, rows);
  }

  private static void waitFor(HeadlessChromium chromium, String condition, String what)
      throws Exception {
    try {
      // A headless browser on a loaded machine is slow to start streaming: a minute.
      Await.until(what, Duration.ofSeconds(60),
          () -> Boolean.TRUE.equals(chromium.evaluate("!!(" + condition + ")")));
    } catch (AssertionError timedOut) {
      chromium.screenshot(SCREENSHOTS.resolve("stream-demo-timeout.png"));
      throw new AssertionError(timedOut.getMessage() + "; page stats: "
          + chromium.evaluate("JSON.stringify(window.streamStats || null)") + ", error: "
          + chromium.evaluate("document.getElementById('error')?.textContent"), timedOut);
    }
  }

  /**
   * A 640x480 Y4M video (what Chromium's fake camera plays) of one grayscale image, scaled up
   * by whole pixels and centred on black, the Fashion-MNIST background. The gateway's resize
   * to 28 and centre crop then see the image itself. Luma is written in video range (16-235),
   * which is how Chromium reads it back to RGB.
   */
  static void writeY4m(Path file, byte[] gray, int rows, int cols) throws IOException {
    int width = 640;
    int height = 480;
    int scale = height / rows;
    int left = (width - cols * scale) / 2;
    int top = (height - rows * scale) / 2;
    byte[] y = new byte[width * height];
    java.util.Arrays.fill(y, (byte) 16);
    for (int r = 0; r < rows * scale; r++) {
      for (int c = 0; c < cols * scale; c++) {
        int v = gray[(r / scale) * cols + c / scale] & 0xFF;
        y[(top + r) * width + left + c] = (byte) (16 + Math.round(v * 219 / 255.0));
      }
    }
    byte[] chroma = new byte[width * height / 4];
    java.util.Arrays.fill(chroma, (byte) 128);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(("YUV4MPEG2 W" + width + " H" + height + " F30:1 Ip A1:1 C420jpeg\n")
          .getBytes(StandardCharsets.US_ASCII));
      for (int frame = 0; frame < 2; frame++) {
        out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
        out.write(y);
        out.write(chroma);
        out.write(chroma);
      }
    }
  }
}
