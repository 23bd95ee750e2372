package io.inferencegw.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.e2e.TestGateways;
import io.inferencegw.gateway.e2e.TestPorts;
import io.inferencegw.gateway.server.Gateway;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gateway classify} as a user runs it ({@code java -jar gateway.jar classify ...}, here
 * through {@link GatewayMain}'s command line in this JVM) against a real gateway: classifying,
 * {@code --list}, and the one-line errors for unknown models, files that cannot be read and a
 * gateway that is not there.
 */
class ClassifyCommandEndToEndTest {

  private static final Path SAMPLES = Path.of("../deploy/samples");

  private static Vertx vertx;
  private static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    gateway = Gateway.start(vertx, TestGateways.withModels()).await(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close().await(60, TimeUnit.SECONDS);
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run gateway(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new GatewayMain());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run classify(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "classify";
    all[1] = "--port";
    all[2] = String.valueOf(gateway.port());
    System.arraycopy(args, 0, all, 3, args.length);
    return gateway(all);
  }

  @Test
  void classifiesTheSampleImages() {
    Run run = classify("--top-k", "1", SAMPLES.resolve("sneaker.png").toString(),
        SAMPLES.resolve("trouser.png").toString());
    assertEquals(0, run.exitCode, run.err);
    List<String> lines = run.out.strip().lines().toList();
    assertEquals(2, lines.size(), run.out);
    assertTrue(lines.get(0).matches(".*sneaker\\.png:  Sneaker \\(7\\) [01]\\.\\d{3}"), run.out);
    assertTrue(lines.get(1).matches(".*trouser\\.png:  Trouser \\(1\\) [01]\\.\\d{3}"), run.out);
  }

  @Test
  void listPrintsTheServedModelsWithTheirClassesThenTheCatalog() {
    Run run = classify("--list");
    assertEquals(0, run.exitCode, run.err);
    List<String> lines = run.out.strip().lines().toList();
    assertEquals("model fashion-lenet v1: lenet/lenet5-relu READY on cpu, 10 classes, fp32,"
        + " fast preprocessing", lines.get(0), run.out);
    // the same line as deploy/python/classify.py --list prints
    assertTrue(run.out.contains("\nvariant inception/inception_v3: 27,161,264 parameters, input "
        + "3x299x299, 1000 classes; RGB resize 342 bilinear, crop 299x299, mean "
        + "0.485,0.456,0.406, std 0.229,0.224,0.225; torchvision inception_v3 with "
        + "transform_input=True"), run.out);
    assertTrue(run.out.contains("variant lenet/lenet5: 61,706 parameters, input 1x28x28, "
        + "10 classes;"), run.out);
  }

  @Test
  void anUnknownModelIsNamedByItsStatusNotItsNumber() {
    Path bag = SAMPLES.resolve("bag.png");
    Run run = classify("--model", "no-such-model", bag.toString());
    assertEquals(1, run.exitCode);
    assertEquals(bag + ": NOT_FOUND: model no-such-model is not served", run.err.strip());
    assertEquals("", run.out);
  }

  @Test
  void aFileThatCannotBeReadIsOneLineAndTheOthersAreStillClassified(@TempDir Path dir)
      throws Exception {
    Path missing = dir.resolve("missing.png");
    Run run = classify(missing.toString(), dir.toString(), SAMPLES.resolve("bag.png").toString());
    assertEquals(1, run.exitCode, run.err);
    assertEquals(List.of(missing + ": cannot read the file: no such file",
        dir + ": cannot read the file: is a directory"), run.err.strip().lines().toList());
    assertFalse(run.err.contains("Exception"), run.err);
    assertTrue(run.out.strip().matches(".*bag\\.png:  Bag \\(8\\) .*"), run.out);

    Path unreadable = Files.writeString(dir.resolve("unreadable.png"), "x");
    if (unreadable.toFile().setReadable(false) && !Files.isReadable(unreadable)) {
      Run denied = classify(unreadable.toString());
      assertEquals(1, denied.exitCode);
      assertEquals(unreadable + ": cannot read the file: permission denied", denied.err.strip());
    }
  }

  @Test
  void aGatewayThatIsNotThereIsOneLine() throws Exception {
    int port = TestPorts.free(); // nothing listens there
    Run run = gateway("classify", "--port", String.valueOf(port),
        SAMPLES.resolve("bag.png").toString(), SAMPLES.resolve("coat.png").toString());
    assertEquals(1, run.exitCode);
    List<String> lines = run.err.strip().lines().toList();
    assertEquals(1, lines.size(), run.err);
    assertTrue(lines.get(0).startsWith("cannot connect to the gateway at localhost:" + port),
        run.err);
    Run list = gateway("classify", "--port", String.valueOf(port), "--list");
    assertEquals(1, list.exitCode);
    assertTrue(list.err.startsWith("cannot connect to the gateway at localhost:" + port),
        list.err);
  }

  @Test
  void usageErrorsAndHelp() {
    Run nothing = classify();
    assertEquals(2, nothing.exitCode);
    assertTrue(nothing.err.startsWith("give image files to classify, or --list"), nothing.err);
    Run zero = classify("--top-k", "0", SAMPLES.resolve("bag.png").toString());
    assertEquals(2, zero.exitCode);
    assertTrue(zero.err.startsWith("--top-k must be 1 or more, got 0"), zero.err);

    Run help = gateway("classify", "--help");
    assertEquals(0, help.exitCode);
    for (String option : List.of("--host", "--port", "--top-k", "--list", "--model")) {
      // "      --host=<host>     host the gateway listens on ...": the option, then its text
      assertTrue(help.out.lines().anyMatch(
          l -> l.matches("\\s*" + option + "(=<\\w+>)? {2,}\\w.*")),
          option + " has a description:\n" + help.out);
    }
    assertTrue(help.out.contains("host the gateway listens on (default: localhost)"), help.out);
    assertTrue(help.out.contains("(default: 8080)"), help.out);
  }
}
