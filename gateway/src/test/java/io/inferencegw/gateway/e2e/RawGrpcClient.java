package io.inferencegw.gateway.e2e;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * gRPC calls written byte by byte over HTTP/2 (prior knowledge, like gRPC clients): sends what a
 * well-behaved client never would, and reports the status, or the reset, that came back.
 */
final class RawGrpcClient implements AutoCloseable {

  /**
   * What came back: a status (from the headers of a trailers-only answer, else the trailers)
   * with its message percent-decoded, or an HTTP/2 reset code.
   */
  record Answer(int httpStatus, String status, String message, MultiMap headers, Buffer body,
      long resetCode) {

    boolean isReset() {
      return resetCode >= 0;
    }

    /** The payload of the one response message. */
    Buffer payload() {
      return body.getBuffer(5, body.length());
    }

    @Override
    public String toString() {
      return isReset() ? "RST_STREAM " + resetCode : "grpc-status " + status + " '" + message + "'";
    }
  }

  private final HttpClientAgent http;

  RawGrpcClient(Vertx vertx, int port) {
    http = vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false)
        .setDefaultHost("localhost")
        .setDefaultPort(port));
  }

  /** {@link #send}, then waits (bounded) for the answer. */
  Answer call(String method, Map<String, String> headers, List<Buffer> chunks, boolean end)
      throws Exception {
    return send(method, headers, chunks, end).await(30, TimeUnit.SECONDS);
  }

  /**
   * Sends the headers (content type application/grpc plus {@code headers}), then each chunk,
   * then END_STREAM when {@code end}.
   */
  Future<Answer> send(String method, Map<String, String> headers, List<Buffer> chunks, boolean end)
      throws Exception {
    Promise<Answer> answer = Promise.promise();
    HttpClientRequest req =
        http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/" + method))
            .await(10, TimeUnit.SECONDS);
    req.setChunked(true);
    req.putHeader("content-type", "application/grpc").putHeader("te", "trailers");
    headers.forEach(req::putHeader);
    req.exceptionHandler(
        e -> {
          if (e instanceof StreamResetException reset) {
            answer.tryComplete(new Answer(0, null, null, null, null, reset.getCode()));
          }
        });
    req.response()
        .compose(resp -> resp.body().map(body -> answer(resp, body)))
        .onComplete(
            done -> {
              if (done.succeeded()) {
                answer.tryComplete(done.result());
              } else if (done.cause() instanceof StreamResetException reset) {
                answer.tryComplete(new Answer(0, null, null, null, null, reset.getCode()));
              } else {
                answer.tryFail(done.cause());
              }
            });
    if (chunks.isEmpty() && !end) {
      req.sendHead();
    }
    for (Buffer chunk : chunks) {
      req.write(chunk);
    }
    if (end) {
      req.end();
    }
    return answer.future();
  }

  private static Answer answer(HttpClientResponse resp, Buffer body) {
    MultiMap source = resp.getHeader("grpc-status") != null ? resp.headers() : resp.trailers();
    String message = source.get("grpc-message");
    return new Answer(resp.statusCode(), source.get("grpc-status"),
        message == null ? null : URLDecoder.decode(message.replace("+", "%2B"), StandardCharsets.UTF_8),
        resp.headers(), body, -1);
  }

  /** One gRPC message: flags byte, big-endian length, payload. */
  static Buffer frame(boolean compressed, byte[] payload) {
    return Buffer.buffer().appendByte((byte) (compressed ? 1 : 0)).appendInt(payload.length)
        .appendBytes(payload);
  }

  static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    }
    return out.toByteArray();
  }

  /**
   * A gzip-compressed ClassifyRequest for {@code model} whose image field holds {@code mebibytes}
   * MiB of zeros, about 1 KB per MiB once compressed. Built from one gzip member per MiB
   * (RFC 1952 allows several), so that even a GiB takes no time to build.
   */
  static byte[] gzipBomb(String model, int mebibytes) throws IOException {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.write(0x0a);
    header.write(model.length());
    header.writeBytes(model.getBytes(StandardCharsets.US_ASCII));
    header.write(0x1a);
    for (long v = (long) mebibytes << 20; ; v >>>= 7) {
      if (v < 0x80) {
        header.write((int) v);
        break;
      }
      header.write((int) (v & 0x7f) | 0x80);
    }
    byte[] mebibyte = gzip(new byte[1 << 20]);
    ByteArrayOutputStream out = new ByteArrayOutputStream(mebibytes * mebibyte.length + 64);
    out.writeBytes(gzip(header.toByteArray()));
    for (int i = 0; i < mebibytes; i++) {
      out.writeBytes(mebibyte);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    http.close();
  }
}
