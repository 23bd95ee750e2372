package io.inferencegw.benchmarks;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * DJL's bare forward of the TorchScript export, in a process of its own (DJL brings its own
 * LibTorch, which must not meet ours in one process): one predictor, fp32, CPU, random input of
 * the network's input shape, timed by the same {@link PassTimer} protocol as our forward.
 *
 * <p>Arguments: model.pt C,H,W batches(1,8) warmup-passes min-passes min-seconds. The engine's
 * threads and offline mode come from system properties the benchmark sets
 * ({@link DjlSettings}). Prints one {@link ForwardRate} line per batch size.
 */
public final class DjlForward {

  private DjlForward() {}

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    long[] chw = Arrays.stream(args[1].split(",")).mapToLong(Long::parseLong).toArray();
    List<Integer> batches = Arrays.stream(args[2].split(",")).map(Integer::parseInt).toList();
    PassTimer timer = PassTimer.fromArgs(args, 3);

    Criteria<NDList, NDList> criteria = Criteria.builder()
        .setTypes(NDList.class, NDList.class)
        .optEngine("PyTorch")
        .optDevice(Device.cpu())
        .optModelPath(model)
        .optTranslator(new NoopTranslator())
        .build();
    try (ZooModel<NDList, NDList> zoo = criteria.loadModel();
        Predictor<NDList, NDList> predictor = zoo.newPredictor()) {
      Engine engine = Engine.getEngine("PyTorch");
      System.out.printf("DJL %s, PyTorch engine %s, intra-op threads %s, interop threads %s%n",
          Engine.getDjlVersion(), engine.getVersion(),
          System.getProperty("ai.djl.pytorch.num_threads", "default"),
          System.getProperty("ai.djl.pytorch.num_interop_threads", "default"));
      for (int b : batches) {
        try (NDManager manager = zoo.getNDManager().newSubManager()) {
          NDArray input = manager.randomUniform(0f, 1f,
              new Shape(b, chw[0], chw[1], chw[2]));
          ForwardRate rate = timer.measure(b, () -> forward(predictor, input));
          System.out.println(rate.toLine());
        }
      }
    }
  }

  private static void forward(Predictor<NDList, NDList> predictor, NDArray input) {
    try (NDList out = predictor.predict(new NDList(input))) {
      out.size(); // the logits are computed; nothing reads them
    } catch (TranslateException e) {
      throw new IllegalStateException("DJL forward failed", e);
    }
  }
}
