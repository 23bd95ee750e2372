package io.inferencegw.gateway.cli;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.inferencegw.proto.v1.Prediction;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gateway classify IMAGE...}: sends images to a running gateway and prints the top-k. */
@Command(name = "classify", mixinStandardHelpOptions = true,
    description = "Classify image files (JPEG, PNG, BMP) with a running gateway.")
final class ClassifyCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "image files")
  List<Path> images;

  @Option(names = "--model", defaultValue = "fashion-lenet", description = "model name (default: ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--host", defaultValue = "localhost")
  String host;

  @Option(names = "--port", defaultValue = "8080")
  int port;

  @Option(names = "--top-k", defaultValue = "3")
  int topK;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    int failures = 0;
    try (GatewayClient client = new GatewayClient(vertx, host, port)) {
      for (Path image : images) {
        ClassifyRequest req =
            ClassifyRequest.newBuilder()
                .setModel(model)
                .setImage(ByteString.copyFrom(Files.readAllBytes(image)))
                .setTopK(topK)
                .setRequestId(image.getFileName().toString())
                .build();
        try {
          ClassifyResponse resp = client.classify(req).await();
          StringBuilder line = new StringBuilder(image.toString()).append(':');
          for (Prediction p : resp.getPredictionsList()) {
            line.append(String.format("  %s (%d) %.3f", p.getLabel(), p.getIndex(), p.getScore()));
          }
          System.out.println(line);
        } catch (Exception e) {
          failures++;
          System.out.println(image + ": error: " + e.getMessage());
        }
      }
    } finally {
      vertx.close().await();
    }
    return failures == 0 ? 0 : 1;
  }
}
