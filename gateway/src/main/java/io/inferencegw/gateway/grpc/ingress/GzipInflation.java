package io.inferencegw.gateway.grpc.ingress;

import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Inflates a gzip-compressed message while counting, and stops as soon as the inflated size
 * passes the message limit: a 1 MB message that would inflate to gigabytes costs at most the
 * limit in memory and time. Blocking work (tens of milliseconds at the limit): run it off the
 * event loops.
 */
final class GzipInflation {

  private static final int CHUNK = 64 * 1024;

  private GzipInflation() {}

  /**
   * @throws StatusException INVALID_ARGUMENT past the limit (as for an oversized plain message),
   *     INTERNAL when the payload is not gzip
   */
  static Buffer inflate(Buffer compressed, long maxMessageBytes) {
    int expected = (int) Math.min(maxMessageBytes, Math.max(CHUNK, 4L * compressed.length()));
    ByteArrayOutputStream out = new ByteArrayOutputStream(expected);
    byte[] chunk = new byte[CHUNK];
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed.getBytes()), CHUNK)) {
      long total = 0;
      for (int n; (n = in.read(chunk)) > 0; ) {
        total += n;
        if (total > maxMessageBytes) {
          throw new StatusException(GrpcStatus.INVALID_ARGUMENT, "request message inflates to more"
              + " than the limit of " + maxMessageBytes + " bytes (grpc-encoding gzip)");
        }
        out.write(chunk, 0, n);
      }
    } catch (IOException e) {
      throw new StatusException(GrpcStatus.INTERNAL,
          "request message could not be inflated as gzip: " + e.getMessage());
    }
    return Buffer.buffer(out.toByteArray());
  }
}
