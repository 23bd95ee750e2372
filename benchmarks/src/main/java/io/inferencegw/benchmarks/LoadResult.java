package io.inferencegw.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What callers measured in one period: answers, errors, end-to-end latency as the caller saw it,
 * and, from each answer's timing, the server's compute time and the rest (end to end minus
 * compute: network, framing, event loops, queue).
 */
final class LoadResult {

  final Histogram endToEndMicros = histogram();
  final Histogram computeMicros = histogram();
  final Histogram queueMicros = histogram();
  final Histogram beyondComputeMicros = histogram();
  final AtomicLong answered = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong batchSizeSum = new AtomicLong();
  volatile String firstError;
  long elapsedNanos;

  private static Histogram histogram() {
    return new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 3);
  }

  void record(long endToEndMicros, long computeMicros, long queueMicros, int batchSize) {
    this.endToEndMicros.recordValue(endToEndMicros);
    this.computeMicros.recordValue(computeMicros);
    this.queueMicros.recordValue(queueMicros);
    beyondComputeMicros.recordValue(Math.max(0, endToEndMicros - computeMicros));
    answered.incrementAndGet();
    batchSizeSum.addAndGet(batchSize);
  }

  void fail(Throwable e) {
    if (errors.getAndIncrement() == 0) {
      firstError = String.valueOf(e);
    }
  }

  double requestsPerSecond() {
    return answered.get() / (elapsedNanos / 1e9);
  }

  double meanBatchSize() {
    return answered.get() == 0 ? 0 : (double) batchSizeSum.get() / answered.get();
  }

  static double millis(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1000.0;
  }
}
