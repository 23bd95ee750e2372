package io.inferencegw.gateway.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencegw.gateway.core.ErrorCode;
import io.inferencegw.gateway.core.GatewayException;
import io.inferencegw.plugin.api.fuzz.ByteMutator;
import io.inferencegw.plugin.api.fuzz.FuzzCampaign;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated PNG, JPEG and BMP files against the decoder's contract: {@code decode} returns pixels
 * within the pixel limit or throws a {@link GatewayException} with INVALID_ARGUMENT; any other
 * throwable (which the serving path would answer INTERNAL), an {@link OutOfMemoryError}, a hang
 * or an allocation far beyond what the pixel limit allows is a failure (see
 * {@link FuzzCampaign}).
 *
 * <p>The decoder runs with a small pixel limit, so that a header that fools the size checks (a
 * bomb) shows as an allocation of many times the limit rather than as a slow test. Seeds are
 * written by the JDK's writers ({@link ImageFuzzSeeds}); mutations are format-aware
 * ({@link EncodedImageMutator}) or format-blind ({@link ByteMutator}), or both.
 *
 * <p>Longer run: {@code -Dfuzz.cases=200000} (and {@code -Dfuzz.seed=N} for other inputs).
 */
class ImageDecoderFuzzTest {

  /** 64x64: the seeds fit, and mutated sizes up to this decode fully. */
  private static final long MAX_PIXELS = 64 * 64;

  /**
   * Per case: 4096 pixels of up to 4 samples of 16 bits, a few copies of that, and the readers'
   * own buffers come to well under a megabyte; 32 MB is far from that and far below what a
   * length field or a size trusted before it is checked would make a reader allocate.
   */
  private static final long MAX_ALLOCATED_BYTES = 32L << 20;

  private static final ImageDecoder DECODER = new ImageDecoder(1 << 20, MAX_PIXELS);

  private static final List<byte[]> PNG = ImageFuzzSeeds.png();
  private static final List<byte[]> JPEG = ImageFuzzSeeds.jpeg();
  private static final List<byte[]> BMP = ImageFuzzSeeds.bmp();
  private static final List<byte[]> EMBEDDABLE = new ArrayList<>();

  static {
    EMBEDDABLE.addAll(PNG);
    EMBEDDABLE.addAll(JPEG);
  }

  @Test
  void seedsDecode() {
    for (List<byte[]> seeds : List.of(PNG, JPEG, BMP)) {
      for (byte[] seed : seeds) {
        assertTrue(DECODER.decode(seed).pixelCount() > 0);
      }
    }
  }

  @Test
  void mutatedImagesDecodeOrAreRejectedAsInvalid() {
    new FuzzCampaign("image", "img", 3000, MAX_ALLOCATED_BYTES)
        .run(ImageDecoderFuzzTest::generate, ImageDecoderFuzzTest::check);
  }

  static byte[] generate(Random r) {
    int format = r.nextInt(3);
    List<byte[]> seeds = format == 0 ? PNG : format == 1 ? JPEG : BMP;
    byte[] seed = seeds.get(r.nextInt(seeds.size()));
    int kind = r.nextInt(10);
    byte[] input = seed;
    if (kind < 7) {
      input = switch (format) {
        case 0 -> EncodedImageMutator.png(seed, r, EMBEDDABLE);
        case 1 -> EncodedImageMutator.jpeg(seed, r, EMBEDDABLE);
        default -> EncodedImageMutator.bmp(seed, r, EMBEDDABLE);
      };
    }
    if (kind >= 5) {
      input = ByteMutator.mutate(input, r, 1 + r.nextInt(3));
    }
    return input;
  }

  static String check(byte[] input) {
    String format = ImageFormat.sniff(input).map(Enum::name).orElse("other");
    DecodedImage image;
    try {
      image = DECODER.decode(input);
    } catch (GatewayException e) {
      assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), e::toString);
      String message = e.getMessage();
      assertTrue(message != null && !message.isBlank() && message.length() < 1000,
          () -> "message: " + message);
      return format + " rejected: " + category(message);
    }
    assertTrue(image.pixelCount() <= MAX_PIXELS, image::toString);
    // The conversions to the other colour mode must work on whatever was decoded.
    assertEquals(image.pixelCount(), image.toChannels(4 - image.channels()).pixelCount());
    return format + " decoded";
  }

  /** The message with numbers blanked, cut short: a tally key. */
  private static String category(String message) {
    String m = message.replaceAll("[0-9]+", "#");
    return m.substring(0, Math.min(48, m.length()));
  }
}
