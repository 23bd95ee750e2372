package io.inferencegw.gateway.worker;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.pytorch.global.torch;

/**
 * The threads that decode and preprocess request inputs for every served model, beside the
 * device workers.
 *
 * <p>Two lanes, so that heavy images cannot starve light ones: images that declare more than
 * {@code largeImagePixels} (or whose size cannot be read from the header) go to the large lane,
 * which has few threads; everything else goes to the standard lane. A flood of 36-megapixel
 * PNGs then queues behind itself while ordinary images keep flowing.
 *
 * <p>The task queues need no bound of their own: every task belongs to a request that holds a
 * place in a bounded model queue. Preprocessing runs LibTorch operations (the resize), one
 * intra-op thread each: the pool's threads are the parallelism.
 */
public final class PreprocessPool implements AutoCloseable {

  /** Images above 4 megapixels (e.g. 2560x1600) take the large lane by default. */
  public static final long DEFAULT_LARGE_IMAGE_PIXELS = 4_000_000L;

  private final ExecutorService standard;
  private final ExecutorService large;
  private final long largeImagePixels;

  /**
   * @param standardThreads threads for ordinary images
   * @param largeThreads threads for large images
   * @param largeImagePixels width x height above which an image is large
   */
  public PreprocessPool(int standardThreads, int largeThreads, long largeImagePixels) {
    this.standard = lane("preprocess", standardThreads);
    this.large = lane("preprocess-large", largeThreads);
    this.largeImagePixels = largeImagePixels;
  }

  /** One standard thread per core, a quarter of the cores (at least one) for large images. */
  public static PreprocessPool forCores(int cores) {
    return new PreprocessPool(Math.max(1, cores), Math.max(1, cores / 4),
        DEFAULT_LARGE_IMAGE_PIXELS);
  }

  /** The lane for an image of {@code pixels} pixels; negative means unknown. */
  ExecutorService laneFor(long pixels) {
    return pixels < 0 || pixels > largeImagePixels ? large : standard;
  }

  private static ExecutorService lane(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = task -> {
      Thread t = new Thread(() -> {
        // OpenMP's thread count is per calling thread: one each, the lane is the parallelism.
        torch.set_num_threads(1);
        task.run();
      }, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), factory);
  }

  /** Stops taking tasks; tasks already queued still run (their requests get answers). */
  @Override
  public void close() {
    standard.shutdown();
    large.shutdown();
  }
}
