package io.inferencegw.gateway.worker;

import io.inferencegw.plugin.api.VariantSpec;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A seeded batch of distinct, image-like inputs for warm-up checks: each a random 8x8 grid of
 * colours upsampled bilinearly to the variant's size and normalised as its preprocessing
 * normalises pixels. Unlike noise or zeros, such images give each a different, confident top-1
 * class even at the end of deep networks, which is what makes comparing top-1 classes between
 * two ways of running a network meaningful.
 */
public final class ProbeImages {

  private static final int GRID = 8;
  private static final long SEED = 20240611L;

  private ProbeImages() {}

  /** {@code n} probe images as one float32 NCHW tensor on the CPU. */
  public static Tensor batch(VariantSpec spec, int n) {
    int c = spec.channels();
    int h = spec.height();
    int w = spec.width();
    float[] mean = spec.preprocess().mean();
    float[] std = spec.preprocess().std();
    Random random = new Random(SEED);
    float[] pixels = new float[n * c * h * w];
    int at = 0;
    for (int image = 0; image < n; image++) {
      for (int ch = 0; ch < c; ch++) {
        float[] grid = new float[GRID * GRID];
        for (int i = 0; i < grid.length; i++) {
          grid[i] = random.nextFloat();
        }
        float m = mean.length == c ? mean[ch] : 0.5f;
        float s = std.length == c ? std[ch] : 0.25f;
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            pixels[at++] = (bilinear(grid, y, h, x, w) - m) / s;
          }
        }
      }
    }
    Tensor t = torch.empty(n, c, h, w);
    new FloatPointer(t.data_ptr()).put(pixels);
    return t;
  }

  /** The grid sampled at pixel (y, x) of an h x w image, pixel centres aligned to cell centres. */
  private static float bilinear(float[] grid, int y, int h, int x, int w) {
    double gy = clamp((y + 0.5) * GRID / h - 0.5);
    double gx = clamp((x + 0.5) * GRID / w - 0.5);
    int y0 = (int) gy;
    int x0 = (int) gx;
    int y1 = Math.min(y0 + 1, GRID - 1);
    int x1 = Math.min(x0 + 1, GRID - 1);
    double fy = gy - y0;
    double fx = gx - x0;
    double top = grid[y0 * GRID + x0] * (1 - fx) + grid[y0 * GRID + x1] * fx;
    double bottom = grid[y1 * GRID + x0] * (1 - fx) + grid[y1 * GRID + x1] * fx;
    return (float) (top * (1 - fy) + bottom * fy);
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(GRID - 1, v));
  }
}
