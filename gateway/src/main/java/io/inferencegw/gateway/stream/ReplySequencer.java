package io.inferencegw.gateway.stream;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Puts a socket's replies in the order its messages arrived. Frames finish out of order (a bad
 * frame is answered at once, a good one after its batch, a superseded one when replaced), but
 * the client gets the reply for seq N only after every reply before it.
 *
 * <p>Every received message opens a slot; a slot is completed exactly once; completed slots at
 * the head are written out. The number of open slots is what the session bounds, pausing the
 * socket when there are too many, so the memory held here is bounded too. Under the
 * {@code latest} policy a client may send far faster than its frames compute, and every frame
 * replaced while an older one computes is answered {@code skipped}: consecutive skipped frames
 * share one slot (a run of seqs), so such a client never fills the bound with skips.
 *
 * <p>Not thread-safe: one per socket, used on its event loop.
 */
final class ReplySequencer {

  /** The place of one answer (or of a run of skipped frames) in the reply order. */
  static final class Slot {
    private final long seq; // -1: the reply to a control message
    private String reply;
    private int skippedRun; // > 0: this many consecutive frames from seq, all skipped

    private Slot(long seq) {
      this.seq = seq;
    }

    boolean isDone() {
      return reply != null || skippedRun > 0;
    }
  }

  private final ArrayDeque<Slot> slots = new ArrayDeque<>();
  private final Consumer<String> out;
  private boolean closed;

  /** @param out writes one reply to the client */
  ReplySequencer(Consumer<String> out) {
    this.out = out;
  }

  /** A slot for the frame with this seq. */
  Slot openFrame(long seq) {
    Slot slot = new Slot(seq);
    slots.addLast(slot);
    return slot;
  }

  /** A slot for the reply to a control message, in its place among the frames' replies. */
  Slot openControl() {
    return openFrame(-1);
  }

  /** Completes a slot with its reply and writes out what is now in order. */
  void complete(Slot slot, String reply) {
    if (slot.isDone()) {
      throw new IllegalStateException("slot of seq " + slot.seq + " is already answered");
    }
    slot.reply = reply;
    flush();
  }

  /** Completes a frame's slot as skipped, merging it into a skipped run right before it. */
  void skip(Slot slot) {
    if (slot.isDone() || slot.seq < 0) {
      throw new IllegalStateException("slot of seq " + slot.seq + " cannot be skipped");
    }
    Slot before = predecessor(slot);
    if (before != null && before.skippedRun > 0 && before.seq + before.skippedRun == slot.seq) {
      before.skippedRun++;
      slots.removeLastOccurrence(slot);
    } else {
      slot.skippedRun = 1;
    }
    flush();
  }

  /** Slots not yet written: the session's measure of what this socket holds. */
  int open() {
    return slots.size();
  }

  /** The socket is gone: nothing more is written. */
  void close() {
    closed = true;
    slots.clear();
  }

  private Slot predecessor(Slot slot) {
    // The slot being skipped is almost always the newest or close to it.
    Iterator<Slot> it = slots.descendingIterator();
    while (it.hasNext()) {
      if (it.next() == slot) {
        return it.hasNext() ? it.next() : null;
      }
    }
    throw new IllegalStateException("slot of seq " + slot.seq + " is not open");
  }

  private void flush() {
    while (!closed && !slots.isEmpty() && slots.peekFirst().isDone()) {
      Slot head = slots.pollFirst();
      if (head.reply != null) {
        out.accept(head.reply);
      } else {
        for (int i = 0; i < head.skippedRun; i++) {
          out.accept(StreamReplies.skipped(head.seq + i));
        }
      }
    }
  }
}
