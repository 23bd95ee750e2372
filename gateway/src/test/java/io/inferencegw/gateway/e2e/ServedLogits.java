package io.inferencegw.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.inferencegw.gateway.client.GatewayClient;
import io.inferencegw.proto.v1.ClassifyRequest;
import io.inferencegw.proto.v1.ClassifyResponse;
import io.inferencegw.proto.v1.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/** Served logits against expected ones, with the parity harness's tolerance. */
final class ServedLogits {

  private ServedLogits() {}

  /** Sends each of the two images as a Tensor and compares the served logits with the rows. */
  static void assertMatch(GatewayClient client, String variant, int size,
      float[] input, float[] expected) throws Exception {
    int perImage = 3 * size * size;
    int classes = expected.length / 2;
    for (int row = 0; row < 2; row++) {
      ByteBuffer data = ByteBuffer.allocate(perImage * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < perImage; i++) {
        data.putFloat(input[row * perImage + i]);
      }
      ClassifyRequest req = ClassifyRequest.newBuilder()
          .setModel(variant)
          .setTensor(Tensor.newBuilder().addShape(3).addShape(size).addShape(size)
              .setData(ByteString.copyFrom(data.array())))
          .setReturnLogits(true)
          .build();
      ClassifyResponse resp = client.classify(req).await(120, TimeUnit.SECONDS);
      assertEquals(classes, resp.getLogitsCount());
      double maxRef = 0;
      double maxDiff = 0;
      for (int c = 0; c < classes; c++) {
        float want = expected[row * classes + c];
        maxRef = Math.max(maxRef, Math.abs(want));
        maxDiff = Math.max(maxDiff, Math.abs(want - resp.getLogits(c)));
      }
      double tolerance = 1e-4 * (1 + maxRef);
      assertTrue(maxDiff <= tolerance,
          variant + " row " + row + ": max |diff| " + maxDiff + " > " + tolerance);
      int best = 0;
      for (int c = 1; c < classes; c++) {
        best = expected[row * classes + c] > expected[row * classes + best] ? c : best;
      }
      double runnerUp = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        runnerUp = c == best ? runnerUp : Math.max(runnerUp, expected[row * classes + c]);
      }
      if (expected[row * classes + best] - runnerUp > 2 * tolerance) { // a clear winner
        assertEquals(best, resp.getPredictions(0).getIndex());
      }
    }
  }

  static float[] values(org.bytedeco.pytorch.Tensor t) {
    org.bytedeco.pytorch.Tensor flat = t.contiguous().view(-1);
    float[] out = new float[(int) flat.numel()];
    flat.data_ptr_float().get(out);
    return out;
  }

  static float[] floats(ByteBuffer bytes) {
    ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }
}
