package io.inferencegw.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplySequencerTest {

  private final List<String> sent = new ArrayList<>();
  private final ReplySequencer sequencer = new ReplySequencer(sent::add);

  private List<String> sentShape() {
    return sent.stream().map(JsonObject::new)
        .map(j -> j.containsKey("control") ? "c-" + j.getString("status")
            : j.getLong("seq") + "-" + j.getString("status"))
        .toList();
  }

  @Test
  void aReplyWaitsForEveryEarlierOne() {
    ReplySequencer.Slot s0 = sequencer.openFrame(0);
    ReplySequencer.Slot s1 = sequencer.openFrame(1);
    ReplySequencer.Slot s2 = sequencer.openFrame(2);
    sequencer.complete(s2, "{\"seq\":2,\"status\":\"ok\"}");
    sequencer.complete(s1, "{\"seq\":1,\"status\":\"error\"}");
    assertEquals(List.of(), sent, "seq 0 is not answered yet");
    assertEquals(3, sequencer.open());
    sequencer.complete(s0, "{\"seq\":0,\"status\":\"ok\"}");
    assertEquals(List.of("0-ok", "1-error", "2-ok"), sentShape());
    assertEquals(0, sequencer.open());
  }

  @Test
  void controlRepliesKeepTheirPlaceAmongFrames() {
    ReplySequencer.Slot s0 = sequencer.openFrame(0);
    sequencer.complete(sequencer.openControl(), StreamReplies.controlOk("raw"));
    ReplySequencer.Slot s1 = sequencer.openFrame(1);
    sequencer.complete(s1, "{\"seq\":1,\"status\":\"ok\"}");
    assertEquals(List.of(), sent);
    sequencer.complete(s0, "{\"seq\":0,\"status\":\"ok\"}");
    assertEquals(List.of("0-ok", "c-ok", "1-ok"), sentShape());
  }

  @Test
  void consecutiveSkippedFramesShareOneSlotAndAreEachAnswered() {
    ReplySequencer.Slot computing = sequencer.openFrame(0);
    ReplySequencer.Slot waiting = sequencer.openFrame(1);
    for (long seq = 2; seq < 1000; seq++) {
      ReplySequencer.Slot next = sequencer.openFrame(seq);
      sequencer.skip(waiting); // the newer frame replaces the waiting one
      waiting = next;
      assertEquals(3, sequencer.open(), "computing, one run of skips, waiting");
    }
    sequencer.complete(computing, "{\"seq\":0,\"status\":\"ok\"}");
    sequencer.complete(waiting, "{\"seq\":999,\"status\":\"ok\"}");
    assertEquals(1000, sent.size());
    for (int seq = 0; seq < 1000; seq++) {
      JsonObject reply = new JsonObject(sent.get(seq));
      assertEquals(seq, reply.getLong("seq"));
      assertEquals(seq == 0 || seq == 999 ? "ok" : "skipped", reply.getString("status"));
    }
  }

  @Test
  void aSlotIsAnsweredOnlyOnce() {
    ReplySequencer.Slot s0 = sequencer.openFrame(0);
    sequencer.complete(s0, "{\"seq\":0,\"status\":\"ok\"}");
    assertThrows(IllegalStateException.class, () -> sequencer.complete(s0, "{}"));
    ReplySequencer.Slot s1 = sequencer.openFrame(1);
    sequencer.skip(s1);
    assertThrows(IllegalStateException.class, () -> sequencer.skip(s1));
  }

  @Test
  void nothingIsWrittenAfterClose() {
    ReplySequencer.Slot s0 = sequencer.openFrame(0);
    sequencer.close();
    sequencer.complete(s0, "{\"seq\":0,\"status\":\"ok\"}");
    assertEquals(0, sequencer.open());
    assertEquals(List.of(), sent);
  }
}
