package io.inferencegw.gateway.stream;

import io.inferencegw.gateway.client.FrameStreamClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocketClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A test stream that records every reply and tells when a number of frames were answered. */
final class RecordingStream {

  final FrameStreamClient client;
  final List<FrameStreamClient.Reply> replies = new CopyOnWriteArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private int frameReplies;

  private record Waiter(int count, Promise<Void> done) {}

  private RecordingStream(FrameStreamClient client) {
    this.client = client;
  }

  static RecordingStream open(WebSocketClient ws, int port, String model, String query)
      throws Exception {
    RecordingStream[] self = new RecordingStream[1];
    FrameStreamClient client =
        FrameStreamClient.connect(ws, "localhost", port, model, query, r -> self[0].record(r))
            .await(30, TimeUnit.SECONDS);
    self[0] = new RecordingStream(client); // no reply can come before a frame is sent
    return self[0];
  }

  private synchronized void record(FrameStreamClient.Reply reply) {
    replies.add(reply);
    if (!reply.isControl()) {
      frameReplies++;
    }
    waiters.removeIf(w -> {
      if (frameReplies >= w.count) {
        w.done.tryComplete();
        return true;
      }
      return false;
    });
  }

  /** Completes once this many frames (binary messages) have been answered. */
  synchronized Future<Void> frameReplies(int count) {
    Promise<Void> done = Promise.promise();
    if (frameReplies >= count) {
      done.complete();
    } else {
      waiters.add(new Waiter(count, done));
    }
    return done.future();
  }

  void awaitFrameReplies(int count) throws Exception {
    frameReplies(count).await(60, TimeUnit.SECONDS);
  }

  /** The replies to frames (not to control messages), in arrival order. */
  List<FrameStreamClient.Reply> frames() {
    return replies.stream().filter(r -> !r.isControl()).toList();
  }

  int localPort() {
    return client.socket().localAddress().port();
  }
}
