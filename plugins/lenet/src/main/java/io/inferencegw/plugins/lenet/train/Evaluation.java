package io.inferencegw.plugins.lenet.train;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.data.FashionMnist;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;

/** Accuracy of a classifier on a labelled split, computed in eval mode under InferenceMode. */
public final class Evaluation {

  private Evaluation() {}

  /** Fraction of images whose arg-max logit is the label. */
  public static double accuracy(ClassifierModule model, FashionMnist split, int batchSize) {
    return accuracy(model, split, batchSize, model::forward);
  }

  /**
   * {@link #accuracy(ClassifierModule, FashionMnist, int)} with the logits that
   * {@code forward} computes from a float32 batch: a reduced-precision run, say.
   */
  public static double accuracy(ClassifierModule model, FashionMnist split, int batchSize,
      UnaryOperator<Tensor> forward) {
    Batches batches = new Batches(split);
    int[] order = batches.inOrder();
    boolean wasTraining = model.is_training();
    model.eval();
    long correct = 0;
    try (InferenceMode guard = new InferenceMode()) {
      for (int from = 0; from < order.length; from += batchSize) {
        int to = Math.min(order.length, from + batchSize);
        try (PointerScope scope = new PointerScope()) {
          Tensor logits = forward.apply(batches.images(order, from, to));
          Tensor predicted = logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false);
          correct += predicted.eq(batches.labels(order, from, to)).sum().item_long();
        }
      }
    } finally {
      model.train(wasTraining);
    }
    return (double) correct / order.length;
  }
}
