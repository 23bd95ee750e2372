package io.inferencegw.plugins.lenet.train;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.data.FashionMnist;
import java.io.PrintStream;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.OptimizerParamGroupVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Mini-batch training with Adam and cross-entropy, reproducible from a seed: the seed drives
 * LibTorch's generator (weight init) and the per-epoch shuffling of the training set. The
 * learning rate follows a cosine from its initial value down to zero over all steps (or stays
 * constant), which settles the weights in the last epochs instead of letting them wander.
 */
public final class Trainer {

  /** Hyperparameters of one run. */
  public record Settings(
      int epochs, int batchSize, double learningRate, boolean cosineSchedule, long seed) {
    public Settings {
      if (epochs <= 0 || batchSize <= 0 || learningRate <= 0) {
        throw new IllegalArgumentException("epochs, batch size and learning rate must be > 0");
      }
    }
  }

  /** What one epoch produced. */
  public record EpochResult(int epoch, double meanLoss, double trainAccuracy,
      double testAccuracy, double seconds) {}

  private final Settings settings;
  private final PrintStream log;

  public Trainer(Settings settings, PrintStream log) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * Trains {@code model} in place and returns the last epoch's result. The caller seeds LibTorch
   * (see {@link #seed}) before building the model so that its initial weights are reproducible.
   */
  public EpochResult train(ClassifierModule model, FashionMnist train, FashionMnist test) {
    Batches batches = new Batches(train);
    int[] order = batches.inOrder();
    Random shuffler = new Random(settings.seed());
    EpochResult last = null;
    Adam optimizer = new Adam(model.parameters(), new AdamOptions(settings.learningRate()));
    int stepsPerEpoch = (order.length + settings.batchSize() - 1) / settings.batchSize();
    long totalSteps = (long) stepsPerEpoch * settings.epochs();
    long step = 0;
    try {
      for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
        long start = System.nanoTime();
        shuffle(order, shuffler);
        model.train(true);
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < order.length; from += settings.batchSize()) {
          int to = Math.min(order.length, from + settings.batchSize());
          // Everything allocated for this batch (inputs, activations, grads views) is freed here.
          try (PointerScope scope = new PointerScope()) {
            Tensor labels = batches.labels(order, from, to);
            setLearningRate(optimizer, learningRate(step++, totalSteps));
            optimizer.zero_grad();
            Tensor logits = model.forward(batches.images(order, from, to));
            Tensor loss = torch.nll_loss(torch.log_softmax(logits, 1), labels);
            loss.backward();
            optimizer.step();
            lossSum += loss.item_double() * (to - from);
            correct += logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false)
                .eq(labels).sum().item_long();
          }
        }
        double testAccuracy = Evaluation.accuracy(model, test, 1000);
        last = new EpochResult(epoch, lossSum / order.length, (double) correct / order.length,
            testAccuracy, (System.nanoTime() - start) / 1e9);
        log.printf("epoch %2d/%d  loss %.4f  train acc %.4f  test acc %.4f  (%.1f s)%n",
            epoch, settings.epochs(), last.meanLoss(), last.trainAccuracy(),
            last.testAccuracy(), last.seconds());
      }
    } finally {
      optimizer.close();
    }
    model.eval();
    return last;
  }

  /** The rate for step {@code step} of {@code total} (0-based). */
  double learningRate(long step, long total) {
    if (!settings.cosineSchedule()) {
      return settings.learningRate();
    }
    return settings.learningRate() * 0.5 * (1 + Math.cos(Math.PI * step / total));
  }

  private static void setLearningRate(Adam optimizer, double lr) {
    OptimizerParamGroupVector groups = optimizer.param_groups();
    for (long i = 0; i < groups.size(); i++) {
      groups.get(i).options().set_lr(lr);
    }
  }

  /** Seeds LibTorch's default generator; call before building the model. */
  public static void seed(long seed) {
    torch.manual_seed(seed);
  }

  private static void shuffle(int[] a, Random rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
