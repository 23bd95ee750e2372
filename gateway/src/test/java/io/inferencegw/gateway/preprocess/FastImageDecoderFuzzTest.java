package io.inferencegw.gateway.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.plugin.api.PreprocessSpec.ColorMode;
import io.inferencegw.plugin.api.fuzz.ByteMutator;
import io.inferencegw.plugin.api.fuzz.FuzzCampaign;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated JPEGs through the scaled path, where they reach a native decoder: each either decodes
 * within the pixel limit or is refused with INVALID_ARGUMENT; any other throwable, a hang or a
 * crash of the JVM fails the run. The resize target of 2 makes the 16-pixel seeds decode at 1/8,
 * so every reduction and the full-size path are exercised.
 *
 * <p>Longer run: {@code -Dfuzz.cases=200000} (and {@code -Dfuzz.seed=N} for other inputs).
 */
class FastImageDecoderFuzzTest {

  private static final long MAX_PIXELS = 64 * 64;

  /** Java heap per case (the native decoder's memory is outside it): see ImageDecoderFuzzTest. */
  private static final long MAX_ALLOCATED_BYTES = 32L << 20;

  private static final FastImageDecoder DECODER =
      new FastImageDecoder(new ImageDecoder(1 << 20, MAX_PIXELS), 2);

  private static final List<byte[]> JPEG = seeds();

  private static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>(ImageFuzzSeeds.jpeg());
    seeds.add(TestJpegs.smooth(64, 48));
    seeds.add(TestJpegs.smoothProgressive(40, 40));
    seeds.add(TestJpegs.smoothGray(33, 17));
    return seeds;
  }

  @Test
  void mutatedJpegsDecodeOrAreRejectedAsInvalid() {
    new FuzzCampaign("scaled-jpeg", "jpg", 1000, MAX_ALLOCATED_BYTES)
        .run(FastImageDecoderFuzzTest::generate, FastImageDecoderFuzzTest::check);
  }

  static byte[] generate(Random r) {
    byte[] seed = JPEG.get(r.nextInt(JPEG.size()));
    int kind = r.nextInt(10);
    byte[] input = seed;
    if (kind < 7) {
      input = EncodedImageMutator.jpeg(seed, r, JPEG);
    }
    if (kind >= 5) {
      input = ByteMutator.mutate(input, r, 1 + r.nextInt(3));
    }
    return input;
  }

  static String check(byte[] input) {
    DecodedImage image;
    try {
      image = DECODER.decode(input, colorFor(input));
    } catch (GatewayException e) {
      assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), e::toString);
      String message = e.getMessage();
      assertTrue(message != null && !message.isBlank() && message.length() < 1000,
          () -> "message: " + message);
      String category = message.replaceAll("[0-9]+", "#");
      return "rejected: " + category.substring(0, Math.min(48, category.length()));
    }
    assertTrue(image.pixelCount() <= MAX_PIXELS, image::toString);
    return "decoded";
  }

  /** Both colour modes, chosen by the input so that a failure replays. */
  private static ColorMode colorFor(byte[] input) {
    return input.length % 2 == 0 ? ColorMode.RGB : ColorMode.GRAYSCALE;
  }
}
