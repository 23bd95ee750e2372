package io.inferencegw.gateway.worker;

import org.bytedeco.pytorch.Tensor;

/**
 * How often two runs of a network rank classes alike, image by image: the same top-1 class,
 * and the same set of five best classes.
 *
 * @param images rows compared
 * @param sameTop1 rows whose best class is the same in both
 * @param sameTop5 rows whose five best classes are the same, in any order
 */
public record ProbeAgreement(int images, int sameTop1, int sameTop5) {

  /** Share of the rows with the same top-1 class. */
  public double top1() {
    return (double) sameTop1 / images;
  }

  /** Compares the logits of a reference run with another run's, row by row. */
  public static ProbeAgreement of(Tensor reference, Tensor other) {
    int rows = (int) reference.size(0);
    int k = (int) Math.min(5, reference.size(1));
    long[] ref = HostArrays.longs(reference.topk(k).get1());
    long[] oth = HostArrays.longs(other.topk(k).get1());
    int top1 = 0;
    int top5 = 0;
    for (int r = 0; r < rows; r++) {
      if (ref[r * k] == oth[r * k]) {
        top1++;
      }
      if (sameSet(ref, oth, r * k, k)) {
        top5++;
      }
    }
    return new ProbeAgreement(rows, top1, top5);
  }

  private static boolean sameSet(long[] a, long[] b, int from, int k) {
    outer:
    for (int i = from; i < from + k; i++) {
      for (int j = from; j < from + k; j++) {
        if (a[i] == b[j]) {
          continue outer;
        }
      }
      return false;
    }
    return true;
  }
}
