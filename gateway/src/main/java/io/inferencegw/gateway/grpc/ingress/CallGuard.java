package io.inferencegw.gateway.grpc.ingress;

import com.google.protobuf.Descriptors.MethodDescriptor;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.StreamResetException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.StatusException;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport side of one gRPC call, between its HTTP/2 stream and vertx-grpc. It reads the
 * body itself and passes vertx-grpc only plain, well-formed messages of at most the limit, so
 * that every call gets a status with a message instead of a hang, a reset or an exhausted heap:
 *
 * <ul>
 *   <li>headers: an unsupported grpc-encoding is UNIMPLEMENTED, a malformed grpc-timeout
 *       INTERNAL, a deadline that already passed DEADLINE_EXCEEDED;
 *   <li>body: a bad prefix, a compressed flag without grpc-encoding or a body that ends inside a
 *       message is INTERNAL; a message over the limit, plain or once inflated, INVALID_ARGUMENT;
 *       gzip is inflated off the event loop and only up to the limit;
 *   <li>a method that takes one request message (unary or server-streaming, as grpc-java's
 *       UnaryServerCallHandler) gets it only once the client half-closed with exactly one: more
 *       is INTERNAL "Too many requests", none INTERNAL "Half-closed without a request"; until
 *       then the deadline is enforced here, so a request that never completes is still answered.
 * </ul>
 *
 * Runs on the event loop of its connection, like the stream it guards.
 */
final class CallGuard {

  private static final Logger LOG = LoggerFactory.getLogger(CallGuard.class);

  private static final long NO_DEADLINE = Long.MAX_VALUE;
  /** Timeouts beyond this (about 146 years) count as none: nanoTime sums would overflow. */
  private static final long LONGEST_TIMEOUT_NANOS = 1L << 62;
  /** HTTP/2 CANCEL, which vertx-grpc reports to a service as GrpcError.CANCELLED. */
  private static final long HTTP2_CANCEL = 0x8;

  private enum State {
    /** No service method took the call (vertx-grpc answered it): the body is discarded. */
    DETACHED,
    RECEIVING,
    /** The whole request went to vertx-grpc; from here the service answers the call. */
    HANDED_OVER,
    /** Answered here, or reset by the client: the rest of the body is discarded. */
    CLOSED
  }

  private final Vertx vertx;
  private final WorkerExecutor inflation;
  private final long maxMessageBytes;
  private final HttpServerRequest http;
  private final long arrivedNanos = System.nanoTime();

  private State state = State.DETACHED;
  private GrpcServerResponse<?, ?> response;
  private String method;
  private boolean singleMessage;
  private MessageFrameReader reader;
  private long deadline = NO_DEADLINE;
  private String timeoutHeader;
  private long deadlineTimer = -1;

  private Handler<Buffer> downstreamData;
  private Handler<Void> downstreamEnd;
  private Handler<Throwable> downstreamError;
  private boolean downstreamPaused;

  /** The one request message of a single-message call, plain, once complete. */
  private Buffer request;
  private boolean halfClosed;
  /** Streaming calls: messages go downstream in order, each after its inflation. */
  private Future<Void> forwarded = Future.succeededFuture();
  private int inflating;

  CallGuard(Vertx vertx, WorkerExecutor inflation, long maxMessageBytes, HttpServerRequest http) {
    this.vertx = vertx;
    this.inflation = inflation;
    this.maxMessageBytes = maxMessageBytes;
    this.http = http;
    http.handler(this::onData);
    http.endHandler(v -> onEnd());
    http.exceptionHandler(this::onStreamError);
  }

  /**
   * vertx-grpc dispatched the call to a service method: checks the call's headers.
   *
   * @return whether the service may handle the call; if not, it has been answered
   */
  boolean attach(GrpcServerRequest<?, ?> call, MethodDescriptor descriptor) {
    response = call.response();
    response.headers().set(GrpcIngress.ACCEPT_ENCODING_HEADER, GrpcIngress.ACCEPTED_ENCODINGS);
    method = call.fullMethodName();
    singleMessage = !descriptor.isClientStreaming();
    state = State.RECEIVING;
    try {
      boolean compressed = GrpcIngress.acceptsEncoding(call.headers().get("grpc-encoding"));
      reader = new MessageFrameReader(maxMessageBytes, compressed, singleMessage);
      timeoutHeader = call.headers().get(GrpcTimeout.HEADER);
      OptionalLong timeout = GrpcTimeout.nanos(timeoutHeader);
      if (timeout.isPresent() && timeout.getAsLong() < LONGEST_TIMEOUT_NANOS) {
        deadline = arrivedNanos + timeout.getAsLong();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new StatusException(GrpcStatus.DEADLINE_EXCEEDED,
              "deadline (grpc-timeout " + timeoutHeader + ") passed before the call started");
        }
        if (singleMessage) {
          deadlineTimer = vertx.setTimer(ceilMillis(left), id -> onDeadline());
        }
      }
      return true;
    } catch (StatusException e) {
      fail(e);
      return false;
    }
  }

  /**
   * The time left until the call's deadline, rounded up to whole milliseconds so that a
   * sub-millisecond deadline is 1 ms and not "none"; 0 when the call has no deadline.
   */
  long timeoutMillis() {
    return deadline == NO_DEADLINE ? 0 : ceilMillis(deadline - System.nanoTime());
  }

  void downstreamData(Handler<Buffer> handler) {
    downstreamData = handler;
  }

  void downstreamEnd(Handler<Void> handler) {
    downstreamEnd = handler;
  }

  void downstreamError(Handler<Throwable> handler) {
    downstreamError = handler;
  }

  /** vertx-grpc's own flow control: it pauses when its message queue is full. */
  void downstreamPaused(boolean paused) {
    downstreamPaused = paused;
    updateFlow();
  }

  /**
   * Answers the call with the status, unless it is answered or reset already, and tells the
   * service (if any) that the call is over, as grpc-java cancels the server call.
   */
  void fail(Throwable error) {
    if (state == State.CLOSED || response == null) {
      return;
    }
    StatusException status;
    if (error instanceof StatusException e) {
      status = e;
    } else {
      LOG.warn("internal error in the gRPC ingress for {}", method, error);
      status = new StatusException(GrpcStatus.INTERNAL, "internal error: " + error.getMessage());
    }
    state = State.CLOSED;
    cancelDeadlineTimer();
    request = null;
    LOG.debug("{} answered {}: {}", method, status.status(), status.message());
    try {
      response.status(status.status()).statusMessage(status.message()).end();
    } catch (IllegalStateException closed) {
      LOG.debug("{} was already answered: {}", method, closed.getMessage());
    }
    if (downstreamError != null) {
      downstreamError.handle(new StreamResetException(HTTP2_CANCEL));
    }
    updateFlow();
  }

  private void onData(Buffer chunk) {
    if (state != State.RECEIVING) {
      return;
    }
    try {
      for (MessageFrameReader.Frame frame : reader.append(chunk)) {
        accept(frame);
      }
    } catch (StatusException e) {
      fail(e);
    }
  }

  private void accept(MessageFrameReader.Frame frame) {
    if (singleMessage) {
      if (!frame.compressed()) {
        request = frame.payload();
        return;
      }
      inflate(frame.payload())
          .onSuccess(
              plain -> {
                if (state == State.RECEIVING) {
                  request = plain;
                  handOverIfComplete();
                }
              })
          .onFailure(this::fail);
    } else {
      Future<Buffer> plain =
          frame.compressed() ? inflate(frame.payload()) : Future.succeededFuture(frame.payload());
      forwarded =
          forwarded
              .compose(v -> plain)
              .map(
                  message -> {
                    if (state == State.RECEIVING) {
                      send(message);
                    }
                    return null;
                  });
      forwarded.onFailure(this::fail);
    }
  }

  private void onEnd() {
    if (state != State.RECEIVING) {
      return;
    }
    try {
      reader.finish();
    } catch (StatusException e) {
      fail(e);
      return;
    }
    halfClosed = true;
    if (!singleMessage) {
      forwarded.onSuccess(
          v -> {
            if (state == State.RECEIVING) {
              state = State.HANDED_OVER;
              downstreamEnd.handle(null);
            }
          });
    } else if (reader.messages() == 0) {
      fail(new StatusException(GrpcStatus.INTERNAL,
          "Half-closed without a request: " + method + " takes exactly one request message"));
    } else {
      handOverIfComplete();
    }
  }

  private void handOverIfComplete() {
    if (state != State.RECEIVING || !halfClosed || request == null) {
      return;
    }
    if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
      fail(new StatusException(GrpcStatus.DEADLINE_EXCEEDED,
          "deadline (grpc-timeout " + timeoutHeader + ") passed before the request was complete"));
      return;
    }
    state = State.HANDED_OVER;
    cancelDeadlineTimer();
    send(request);
    request = null;
    downstreamEnd.handle(null);
  }

  private void onDeadline() {
    deadlineTimer = -1;
    if (state == State.RECEIVING) {
      fail(new StatusException(GrpcStatus.DEADLINE_EXCEEDED,
          "deadline (grpc-timeout " + timeoutHeader + ") passed before the request was complete"));
    }
  }

  /** The client reset the stream, or the connection closed. */
  private void onStreamError(Throwable error) {
    state = State.CLOSED;
    cancelDeadlineTimer();
    request = null;
    if (downstreamError != null) {
      downstreamError.handle(error);
    }
  }

  private Future<Buffer> inflate(Buffer compressed) {
    inflating++;
    updateFlow();
    return inflation
        .executeBlocking(() -> GzipInflation.inflate(compressed, maxMessageBytes), false)
        .andThen(
            done -> {
              inflating--;
              updateFlow();
            });
  }

  /** Passes one plain message to vertx-grpc, framed as an uncompressed gRPC message. */
  private void send(Buffer message) {
    downstreamData.handle(
        Buffer.buffer(5 + message.length())
            .appendByte((byte) 0)
            .appendInt(message.length())
            .appendBuffer(message));
  }

  /**
   * Reads on while the call is open unless vertx-grpc asks for a pause or, in a streaming call,
   * a message is being inflated; a closed call is read on and discarded, so that its connection's
   * flow-control window keeps moving for the other calls.
   */
  private void updateFlow() {
    if (http.isEnded()) {
      return;
    }
    boolean hold =
        state == State.RECEIVING && (downstreamPaused || (!singleMessage && inflating > 0));
    if (hold) {
      http.pause();
    } else {
      http.resume();
    }
  }

  private void cancelDeadlineTimer() {
    if (deadlineTimer >= 0) {
      vertx.cancelTimer(deadlineTimer);
      deadlineTimer = -1;
    }
  }

  private static long ceilMillis(long nanos) {
    return nanos <= 0 ? 1 : (nanos + 999_999) / 1_000_000;
  }
}
