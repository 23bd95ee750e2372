package io.inferencegw.gateway.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JpegScaleTest {

  @ParameterizedTest(name = "{0}x{1} to {2}: 1/{3}")
  @CsvSource({
      // the shorter side divided by the denominator stays at least the resize target
      "1920, 1080, 256, 4",   // 270 rows at 1/4; 1/8 would give 135
      "1080, 1920, 256, 4",   // portrait: the same, by the shorter side
      "2048, 2048, 256, 8",   // exactly 256 at 1/8
      "2047, 2047, 256, 4",   // one pixel short of 1/8
      "1024, 768, 256, 2",
      "640, 480, 256, 1",     // 240 at 1/2 would be upscaled: full size
      "640, 480, 28, 8",      // a 28-pixel network: 60 rows at 1/8
      "512, 512, 256, 2",
      "511, 4000, 256, 1",
      "100, 100, 0, 1",       // no resize target: nothing to reduce for
  })
  void theLargestReductionThatKeepsTheShorterSideAtTheTarget(
      long width, long height, long target, int denominator) {
    assertEquals(denominator, JpegScale.denominator(width, height, target));
  }

  @ParameterizedTest(name = "{0} at 1/{1}: {2}")
  @CsvSource({"1080, 4, 270", "1081, 4, 271", "7, 8, 1", "1920, 1, 1920", "1, 2, 1"})
  void scaledLengthsRoundUpAsLibjpegDoes(long length, int denominator, long scaled) {
    assertEquals(scaled, JpegScale.scaledLength(length, denominator));
  }
}
