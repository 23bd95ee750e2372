package io.inferencegw.gateway.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JpegLayoutTest {

  @Test
  void aBaselineJpegHasItsFrameOneScanAndItsEnd() {
    JpegLayout layout = JpegLayout.read(TestJpegs.smooth(40, 30)).orElseThrow();

    assertEquals(new JpegLayout(40, 30, 8, 3, 1, true), layout);
  }

  @Test
  void grayAndProgressiveJpegsAreRecognised() {
    JpegLayout gray = JpegLayout.read(TestJpegs.smoothGray(17, 9)).orElseThrow();
    JpegLayout progressive = JpegLayout.read(TestJpegs.smoothProgressive(64, 48)).orElseThrow();

    assertEquals(1, gray.components());
    assertTrue(gray.complete());
    assertTrue(progressive.scans() > 1, progressive.toString());
    assertTrue(progressive.complete());
  }

  @Test
  void aFileCutAnywhereAfterTheFrameHeaderIsIncomplete() {
    byte[] full = TestJpegs.smoothProgressive(64, 48);
    int sof = TestJpegs.marker(full, 0xC2);
    int afterFrame = sof + 2 + ((full[sof + 2] & 0xFF) << 8 | (full[sof + 3] & 0xFF));
    for (int length = afterFrame; length < full.length; length += 37) {
      Optional<JpegLayout> cut = JpegLayout.read(Arrays.copyOf(full, length));
      assertTrue(cut.isPresent(), "cut at " + length);
      assertFalse(cut.get().complete(), "cut at " + length);
    }
    assertFalse(JpegLayout.read(Arrays.copyOf(full, full.length - 2)).orElseThrow().complete(),
        "only the end-of-image marker missing");
  }

  @Test
  void layoutsItDoesNotKnowAreLeftToTheExactDecoder() {
    byte[] jpeg = TestJpegs.smooth(16, 16);
    byte[] beforeFrame = Arrays.copyOf(jpeg, TestJpegs.marker(jpeg, 0xC0));
    byte[] junkBetweenSegments = jpeg.clone();
    junkBetweenSegments[TestJpegs.marker(jpeg, 0xC0)] = 0x42;

    assertEquals(Optional.empty(), JpegLayout.read(beforeFrame));
    byte[] insideFrame = Arrays.copyOf(jpeg, TestJpegs.marker(jpeg, 0xC0) + 9);
    assertEquals(Optional.empty(), JpegLayout.read(insideFrame), "cut inside the frame header");
    assertEquals(Optional.empty(), JpegLayout.read(junkBetweenSegments));
  }

  @Test
  void restartMarkersAndStuffedBytesDoNotEndTheScan() {
    // SOI, SOF0 1x1 gray, SOS, data with a stuffed 0xFF00 and a restart marker, EOI
    byte[] jpeg = {
        (byte) 0xFF, (byte) 0xD8,
        (byte) 0xFF, (byte) 0xC0, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0,
        (byte) 0xFF, (byte) 0xDA, 0, 8, 1, 1, 0, 0, 63, 0,
        0x12, (byte) 0xFF, 0x00, 0x34, (byte) 0xFF, (byte) 0xD3, 0x56,
        (byte) 0xFF, (byte) 0xD9};

    assertEquals(new JpegLayout(1, 1, 8, 1, 1, true), JpegLayout.read(jpeg).orElseThrow());
  }
}
