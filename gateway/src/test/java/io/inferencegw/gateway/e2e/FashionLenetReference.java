package io.inferencegw.gateway.e2e;

import io.inferencegw.gateway.config.ModelConfig;
import io.inferencegw.gateway.registry.LoadedPlugin;
import io.inferencegw.gateway.registry.PluginLoader;
import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.ModelFamily;
import io.inferencegw.plugin.api.VariantSpec;
import io.inferencegw.plugin.api.data.FashionMnist;
import io.inferencegw.plugin.api.testing.Prerequisites;
import io.inferencegw.plugin.api.weights.WeightLoader;
import java.io.IOException;
import java.util.Arrays;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Offline evaluation of the bundled model: the same plugin and weights, but the test images go
 * straight from the IDX bytes into one tensor (no encoding, no gateway, no batching), so the
 * served answers can be compared with an independent computation.
 */
public final class FashionLenetReference {

  private FashionLenetReference() {}

  /**
   * The Fashion-MNIST test set the reference is computed on; the test stops where Debian's
   * dataset-fashion-mnist is not installed, saying so (a failure under CI).
   */
  public static FashionMnist requireTestSet() throws IOException {
    Prerequisites.require(FashionMnist.isInstalled(), "the Fashion-MNIST test set",
        "dataset-fashion-mnist");
    return FashionMnist.testSet();
  }

  /** Predicted class of every test image. */
  public static int[] predictions(FashionMnist data) throws Exception {
    return predictions(data, 0, data.count());
  }

  /** Predicted class of test images {@code first} to {@code first + count - 1}, in order. */
  public static int[] predictions(FashionMnist data, int first, int count) throws Exception {
    int size = data.rows() * data.cols();
    byte[] images = Arrays.copyOfRange(data.pixels(), first * size, (first + count) * size);
    ModelConfig cfg = TestGateways.bundledLenet();
    LoadedPlugin plugin = new PluginLoader().load(TestGateways.PLUGINS.resolve("plugin-lenet.jar"));
    try {
      ModelFamily family = plugin.families().get(cfg.family());
      VariantSpec spec = family.requireVariant(cfg.variant());
      float mean = spec.preprocess().mean()[0];
      float std = spec.preprocess().std()[0];
      ClassifierModule net = family.build(cfg.variant());
      try {
        WeightLoader.loadStrict(net, cfg.weights().readAllBytes(), cfg.weights().describe());
        net.eval();
        int[] out = new int[count];
        try (InferenceMode guard = new InferenceMode();
            PointerScope scope = new PointerScope()) {
          Tensor pixels =
              torch.from_blob(
                      new BytePointer(images),
                      new long[] {count, 1, data.rows(), data.cols()},
                      new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Byte))
                  .to(torch.ScalarType.Float);
          Tensor input = pixels.div(new org.bytedeco.pytorch.Scalar(255.0))
              .sub(new org.bytedeco.pytorch.Scalar(mean))
              .div(new org.bytedeco.pytorch.Scalar(std));
          Tensor argmax = net.forward(input).argmax(new org.bytedeco.pytorch.LongOptional(1), false)
              .contiguous();
          long[] idx = new long[count];
          new LongPointer(argmax.data_ptr()).get(idx);
          for (int i = 0; i < idx.length; i++) {
            out[i] = (int) idx[i];
          }
        }
        return out;
      } finally {
        net.close();
      }
    } finally {
      plugin.unload();
    }
  }
}
