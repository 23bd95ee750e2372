package io.inferencegw.gateway.stream;

import io.inferencegw.gateway.batching.InferenceRequest;
import io.inferencegw.gateway.batching.InferenceResult;
import io.inferencegw.gateway.config.StreamConfig;
import io.inferencegw.gateway.connection.ConnectionGuard;
import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.gateway.core.InputLimits;
import io.inferencegw.gateway.core.ModelInput;
import io.inferencegw.gateway.admission.ModelRouting;
import io.inferencegw.gateway.observability.Api;
import io.inferencegw.gateway.observability.CompletedRequest;
import io.inferencegw.gateway.observability.RequestRecorder;
import io.inferencegw.gateway.registry.ModelManager;
import io.inferencegw.gateway.registry.ServedModel;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket frame stream: reads the socket's messages, admits each frame into its model's
 * queue (where it shares batches with gRPC calls and other streams), and answers every binary
 * message with exactly one text reply, in seq order.
 *
 * <p>Everything here runs on the socket's event loop, the context the inference requests are
 * created with, so the session's state needs no locks. Nothing blocks and nothing decodes:
 * frames go to the queue as bytes and are decoded on the device worker.
 *
 * <p>Memory per socket is bounded: a message is buffered only up to the message limit
 * ({@link MessageAssembler}); and when the socket has {@code max_queued_frames} replies
 * outstanding, or its outbound buffer is full because the client does not read, the session
 * stops reading the socket until that drains, so TCP pushes back on the client.
 */
final class StreamSession {

  private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);
  /** Control messages are small JSON objects; anything longer is refused unread. */
  static final int MAX_CONTROL_BYTES = 64 * 1024;
  /** Policy {@code all} on a full model queue: retry after 2, 4, 8 ... at most 100 ms. */
  private static final long FIRST_RETRY_MILLIS = 2;
  private static final long MAX_RETRY_MILLIS = 100;

  /** One binary message on its way to its reply. */
  private static final class Frame {
    final long seq;
    final ReplySequencer.Slot slot;
    final ModelInput input;
    final long startNanos;
    ServedModel model;
    InferenceRequest request; // the current attempt's, once admitted
    boolean leftQueue; // known to have left the model queue: a worker took it into a batch
    long retryTimer = -1;
    int retries;

    Frame(long seq, ReplySequencer.Slot slot, ModelInput input, long startNanos) {
      this.seq = seq;
      this.slot = slot;
      this.input = input;
      this.startNanos = startNanos;
    }
  }

  private final ServerWebSocket ws;
  private final Vertx vertx;
  private final Context context;
  private final ModelManager models;
  private final InputLimits limits;
  private final StreamConfig config;
  private final String modelName;
  private final StreamParams params;
  private final StreamRegistry registry;
  private final StreamStats stats;
  private final RequestRecorder recorder;
  private final MessageAssembler assembler;
  private final ReplySequencer replies;
  /** Frames submitted and not yet answered: waiting, computing, or waiting to retry. */
  private final Set<Frame> inFlight = new LinkedHashSet<>();
  /** Policy latest: the newest admitted frame, which may still be waiting in the queue. */
  private Frame newest;
  private FrameFormat format = FrameFormat.ENCODED;
  private long nextSeq;
  private boolean paused;
  private boolean closed;

  private StreamSession(ServerWebSocket ws, Vertx vertx, String modelName, StreamParams params,
      ModelManager models, InputLimits limits, StreamRegistry registry, RequestRecorder recorder) {
    this.ws = ws;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.models = models;
    this.limits = limits;
    this.config = registry.config();
    this.modelName = modelName;
    this.params = params;
    this.registry = registry;
    this.stats = registry.register(
        modelName, params, ws.remoteAddress().hostAddress() + ":" + ws.remoteAddress().port());
    this.recorder = recorder;
    this.assembler = new MessageAssembler(config.maxMessageBytes(), MAX_CONTROL_BYTES);
    this.replies = new ReplySequencer(this::send);
  }

  /**
   * Serves an accepted socket; call on its event loop right after the handshake.
   *
   * @param connection the connection of the socket's upgrade request, whose limits switch to
   *     the WebSocket's
   */
  static void serve(ServerWebSocket ws, HttpConnection connection, Vertx vertx, String modelName,
      StreamParams params, ModelManager models, InputLimits limits, StreamRegistry registry,
      RequestRecorder recorder) {
    StreamSession session =
        new StreamSession(ws, vertx, modelName, params, models, limits, registry, recorder);
    ws.frameHandler(session::onFrame);
    ws.closeHandler(v -> session.onClose());
    ws.exceptionHandler(session::onException);
    ws.drainHandler(v -> session.updateFlow());
    ConnectionGuard.webSocketOpened(connection, ws, session::computing);
  }

  /** Frames are being computed or wait for a retry: the socket is not idle, whatever its bytes. */
  private boolean computing() {
    return !inFlight.isEmpty();
  }

  private void onFrame(WebSocketFrame frame) {
    if (closed) {
      return;
    }
    MessageAssembler.Message message = assembler.accept(frame);
    if (message instanceof MessageAssembler.Binary binary) {
      onBinary(binary.data());
    } else if (message instanceof MessageAssembler.Text text) {
      onControl(text.text());
    } else if (message instanceof MessageAssembler.Oversized oversized) {
      onOversized(oversized);
    } else if (message instanceof MessageAssembler.InvalidText) {
      // RFC 6455 8.1: text that is not UTF-8 fails the connection, with 1007.
      ws.close((short) WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(),
          "text message is not valid UTF-8");
      onClose();
      return;
    }
    updateFlow();
  }

  private void onBinary(byte[] data) {
    long startNanos = System.nanoTime();
    long seq = nextSeq++;
    stats.frameReceived();
    ReplySequencer.Slot slot = replies.openFrame(seq);
    ModelInput input;
    try {
      input = format.toInput(data, limits);
    } catch (GatewayException e) {
      answerUnrouted(slot, seq, startNanos, e);
      return;
    }
    submit(new Frame(seq, slot, input, startNanos));
  }

  /** A frame refused before it was routed to a model version. */
  private void answerUnrouted(ReplySequencer.Slot slot, long seq, long startNanos,
      GatewayException e) {
    stats.answeredError();
    recorder.record(CompletedRequest.failed(Api.STREAM, requestId(seq), modelName,
        params.version(), false, startNanos, e.code()));
    replies.complete(slot, StreamReplies.error(seq, e));
  }

  /**
   * A frame's id in metrics' access log: the stream's id (as {@code GET /v1/streams} lists it)
   * and the frame's seq, which its reply carries.
   */
  private String requestId(long seq) {
    return "stream-" + stats.id() + "/" + seq;
  }

  private void onOversized(MessageAssembler.Oversized message) {
    String what = message.text() ? "control message" : "message";
    GatewayException e = GatewayException.invalid(what + " of " + message.bytes()
        + " bytes exceeds the limit of " + message.limit() + " bytes");
    if (message.text()) {
      replies.complete(replies.openControl(), StreamReplies.controlError(e));
      return;
    }
    long seq = nextSeq++;
    stats.frameReceived();
    answerUnrouted(replies.openFrame(seq), seq, System.nanoTime(), e);
  }

  private void onControl(String text) {
    ReplySequencer.Slot slot = replies.openControl();
    try {
      ControlMessage control =
          ControlMessage.parse(text, limits.maxImagePixels(), config.maxMessageBytes());
      format = control.format(); // applies to binary messages received from now on
      replies.complete(slot, StreamReplies.controlOk(control.name()));
    } catch (GatewayException e) {
      replies.complete(slot, StreamReplies.controlError(e));
    }
  }

  /** Routes and admits a frame (again, on a retry: the model may have been swapped meanwhile). */
  private void submit(Frame frame) {
    inFlight.add(frame);
    InferenceRequest request;
    try {
      ServedModel routed = ModelRouting.route(models, modelName, params.version());
      request = new InferenceRequest(
          frame.input, ModelRouting.topK(params.topK(), routed), false, Long.MAX_VALUE, context);
      frame.model = ModelRouting.admit(models, routed, params.version(), request);
    } catch (GatewayException e) {
      if (e.code() == ErrorCode.RESOURCE_EXHAUSTED && params.policy() == StreamPolicy.ALL) {
        retryLater(frame); // policy all computes every frame: wait for room, holding the socket
      } else if (e.code() == ErrorCode.RESOURCE_EXHAUSTED && newest != null && supersede(newest)) {
        newest = null;
        submit(frame); // policy latest: the newer frame takes the waiting one's place
      } else {
        answerFailure(frame, e);
      }
      return;
    }
    frame.request = request;
    request.result().onComplete(ar -> onResult(frame, request, ar));
    if (params.policy() == StreamPolicy.LATEST) {
      // The new frame is admitted first, so the stream never goes without a frame waiting.
      Frame previous = newest;
      newest = frame;
      if (previous != null) {
        supersede(previous);
      }
    }
    updateQueued();
  }

  /**
   * Policy latest: the previous frame is answered skipped if it still waits in the queue. One
   * a worker has already taken into a batch cannot be taken back and is answered normally.
   * Returns whether it was taken out of the queue.
   */
  private boolean supersede(Frame previous) {
    if (!inFlight.contains(previous)) {
      return false;
    }
    if (!previous.model.queue().remove(previous.request)) {
      previous.leftQueue = true;
      return false;
    }
    // The request is ours to answer now; its late callback finds it no longer in flight.
    previous.request.fail(ErrorCode.CANCELLED, "superseded by a newer frame");
    inFlight.remove(previous);
    stats.answeredSkipped();
    recordFailure(previous, ErrorCode.CANCELLED);
    replies.skip(previous.slot);
    return true;
  }

  /**
   * Counts for /v1/streams: frames not answered yet, and of those the ones still waiting in the
   * model queue (policy latest keeps that to one).
   */
  private void updateQueued() {
    int waiting = 0;
    for (Frame f : inFlight) {
      if (f.request != null && !f.leftQueue && f.request.isQueued()) {
        waiting++;
      }
    }
    stats.queued(inFlight.size(), waiting);
  }

  private void retryLater(Frame frame) {
    updateQueued();
    long delay = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(frame.retries++, 6));
    frame.retryTimer = vertx.setTimer(delay, id -> {
      frame.retryTimer = -1;
      if (!closed) {
        submit(frame);
        updateFlow();
      }
    });
  }

  private void onResult(Frame frame, InferenceRequest request, AsyncResult<InferenceResult> ar) {
    if (closed || frame.request != request || !inFlight.contains(frame)) {
      return; // superseded, or the socket closed
    }
    if (newest == frame) {
      newest = null;
    }
    if (ar.succeeded()) {
      inFlight.remove(frame);
      updateQueued();
      stats.answeredOk();
      recorder.record(CompletedRequest.ok(Api.STREAM, requestId(frame.seq), frame.model.name(),
          frame.startNanos, ar.result()));
      replies.complete(frame.slot, StreamReplies.ok(frame.seq, frame.model, ar.result()));
    } else {
      answerFailure(frame, asGatewayException(ar.cause()));
    }
    updateFlow();
  }

  private void answerFailure(Frame frame, GatewayException e) {
    inFlight.remove(frame);
    updateQueued();
    stats.answeredError();
    recordFailure(frame, e.code());
    replies.complete(frame.slot, StreamReplies.error(frame.seq, e));
  }

  private GatewayException asGatewayException(Throwable error) {
    if (error instanceof GatewayException g) {
      return g;
    }
    LOG.warn("internal error answered to a stream of {}", modelName, error);
    return new GatewayException(ErrorCode.INTERNAL, "internal error: " + error.getMessage());
  }

  /** Reports a frame that got no result, routed or not yet (it may wait to be admitted). */
  private void recordFailure(Frame frame, ErrorCode code) {
    boolean routed = frame.model != null;
    recorder.record(CompletedRequest.failed(Api.STREAM, requestId(frame.seq),
        routed ? frame.model.name() : modelName,
        routed ? frame.model.version() : params.version(), routed, frame.startNanos, code));
  }

  /** Pauses reading while the socket holds its maximum, or while the client does not read. */
  private void updateFlow() {
    if (closed || ws.isClosed()) {
      return;
    }
    boolean full = replies.open() >= config.maxQueuedFrames() || ws.writeQueueFull();
    if (full == paused) {
      return;
    }
    paused = full;
    stats.paused(full);
    if (full) {
      ws.pause();
    } else {
      ws.resume(); // may deliver buffered frames right away; the state is consistent here
    }
  }

  private void send(String reply) {
    ws.writeTextMessage(reply);
  }

  /** The client went away: frames still queued leave the queue and are never computed. */
  private void onClose() {
    if (closed) {
      return;
    }
    closed = true;
    int removed = 0;
    for (Frame frame : inFlight) {
      // Each frame is recorded once: those not answered yet never will be, computed or not.
      recordFailure(frame, ErrorCode.CANCELLED);
      if (frame.retryTimer >= 0) {
        vertx.cancelTimer(frame.retryTimer);
        removed++;
      } else if (frame.request != null && frame.model.queue().remove(frame.request)) {
        frame.request.fail(ErrorCode.CANCELLED, "the stream closed");
        removed++;
      }
    }
    inFlight.clear();
    newest = null;
    replies.close();
    stats.queued(0, 0);
    stats.removedOnDisconnect(removed);
    registry.unregister(stats);
  }

  private void onException(Throwable error) {
    if (error instanceof CorruptedWebSocketFrameException corrupt) {
      // Netty refused a frame (larger than the hard cap, or malformed) and reads nothing more
      // from this socket: tell the client why and close.
      WebSocketCloseStatus status = corrupt.closeStatus();
      String reason = status.code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()
          ? "frame larger than the hard cap of " + config.maxFrameBytes() + " bytes"
          : "protocol error";
      ws.close((short) status.code(), reason);
      return;
    }
    LOG.debug("stream of {} from {}: {}", modelName, ws.remoteAddress(), error.toString());
  }
}
