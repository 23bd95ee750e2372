package io.inferencegw.gateway.cli;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.inferencegw.proto.v1.ListModelsResponse;
import io.inferencegw.proto.v1.ModelInfo;
import io.inferencegw.proto.v1.Prediction;
import io.inferencegw.proto.v1.Preprocess;
import io.inferencegw.proto.v1.VariantInfo;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gateway classify IMAGE...}: sends images to a running gateway and prints the top-k;
 * {@code gateway classify --list}: the served models and the catalog of variants. Errors are one
 * line each, on standard error, with the gRPC status by name; the exit code is 1 when anything
 * failed.
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
    description = {"Classify image files (JPEG, PNG, BMP) with a running gateway, or list "
        + "what it serves (--list).",
        "Exit code 0 when every image was classified; 1 when one failed (the reason, such as "
            + "NOT_FOUND: model x is not served, is printed); 2 for a usage error."})
final class ClassifyCommand implements Callable<Integer> {

  @Parameters(arity = "0..*", paramLabel = "IMAGE", description = "image files")
  List<Path> images = List.of();

  @Option(names = "--list",
      description = "list the served models (name, version, state, classes) and the catalog of "
          + "variants the loaded plugins can build, instead of classifying")
  boolean list;

  @Option(names = "--model", defaultValue = "fashion-lenet", description = "model name (default: ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--host", defaultValue = "localhost",
      description = "host the gateway listens on (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--port", defaultValue = "8080",
      description = "the gateway's port, gRPC and HTTP alike (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--top-k", defaultValue = "3",
      description = "predictions to print per image, highest score first; more than the "
          + "model's classes prints them all (default: ${DEFAULT-VALUE})")
  int topK;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if (list != images.isEmpty()) {
      throw new ParameterException(spec.commandLine(),
          list ? "--list takes no image files" : "give image files to classify, or --list");
    }
    if (topK < 1) {
      throw new ParameterException(spec.commandLine(), "--top-k must be 1 or more, got " + topK);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Vertx vertx = Vertx.vertx();
    try (GatewayClient client = new GatewayClient(vertx, host, port)) {
      return list ? list(client, out, err) : classify(client, out, err);
    } finally {
      vertx.close().await();
      out.flush();
      err.flush();
    }
  }

  private int classify(GatewayClient client, PrintWriter out, PrintWriter err) {
    int failures = 0;
    for (Path image : images) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(image);
      } catch (IOException e) {
        failures++;
        err.println(image + ": cannot read the file: " + reason(e));
        continue;
      }
      ClassifyRequest req =
          ClassifyRequest.newBuilder()
              .setModel(model)
              .setImage(ByteString.copyFrom(bytes))
              .setTopK(topK)
              .setRequestId(image.getFileName().toString())
              .build();
      ClassifyResponse resp;
      try {
        resp = client.classify(req).await();
      } catch (Exception e) {
        if (unreachable(e)) {
          err.println(cannotConnect(e));
          return 1;
        }
        failures++;
        err.println(image + ": " + e.getMessage());
        continue;
      }
      StringBuilder line = new StringBuilder(image.toString()).append(':');
      for (Prediction p : resp.getPredictionsList()) {
        line.append(String.format(Locale.ROOT, "  %s (%d) %.3f", p.getLabel(), p.getIndex(),
            p.getScore()));
      }
      out.println(line);
    }
    return failures == 0 ? 0 : 1;
  }

  /** As {@code deploy/python/classify.py --list}: the served models, then the catalog. */
  private int list(GatewayClient client, PrintWriter out, PrintWriter err) {
    ListModelsResponse resp;
    try {
      resp = client.listModels().await();
    } catch (Exception e) {
      err.println(unreachable(e) ? cannotConnect(e) : "ListModels: " + e.getMessage());
      return 1;
    }
    for (ModelInfo m : resp.getModelsList()) {
      out.println("model " + m.getName() + " v" + m.getVersion() + ": " + m.getFamily() + "/"
          + m.getVariant() + " " + m.getState() + " on " + String.join(",", m.getDevicesList())
          + ", " + m.getNumClasses() + " classes, " + m.getPrecision() + ", "
          + m.getPreprocessing() + " preprocessing");
    }
    for (VariantInfo v : resp.getCatalogList()) {
      Preprocess p = v.getPreprocess();
      out.println(String.format(Locale.ROOT,
          "variant %s/%s: %,d parameters, input %s, %d classes; %s resize %d %s, crop %dx%d,"
              + " mean %s, std %s%s",
          v.getFamily(), v.getVariant(), v.getParameters(),
          v.getInputShapeList().stream().map(String::valueOf).collect(Collectors.joining("x")),
          v.getNumClasses(), p.getColor(), p.getResizeShorter(),
          p.getInterpolation().toLowerCase(Locale.ROOT), p.getCropHeight(), p.getCropWidth(),
          floats(p.getMeanList()), floats(p.getStdList()),
          v.getInputNote().isEmpty() ? "" : "; " + v.getInputNote()));
    }
    return 0;
  }

  private static String floats(List<Float> values) {
    return values.stream().map(x -> String.format(Locale.ROOT, "%.3f", x))
        .collect(Collectors.joining(","));
  }

  /** A file that cannot be read, in words rather than as an exception. */
  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e.getMessage() != null && e.getMessage().contains("Is a directory")) {
      return "is a directory";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  private String cannotConnect(Throwable e) {
    Throwable t = e;
    while (!(t instanceof ConnectException) && t.getCause() != null) {
      t = t.getCause();
    }
    String why = t.getMessage() == null ? "connection refused" : t.getMessage();
    return "cannot connect to the gateway at " + host + ":" + port + " (" + why
        + "); is it running? Start it with deploy/gateway.sh";
  }
}
