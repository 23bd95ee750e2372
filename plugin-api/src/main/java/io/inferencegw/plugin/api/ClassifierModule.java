package io.inferencegw.plugin.api;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * A classification network: NCHW float input in, logits {@code [N, numClasses]} out.
 *
 * <p>Subclasses register their submodules, parameters and buffers with the names of the
 * reference implementation's {@code state_dict()}, so that reference checkpoints load strictly.
 * The forward pass is plain Java calling LibTorch; it must not copy tensors needlessly.
 */
public abstract class ClassifierModule extends Module {

  protected ClassifierModule() {
    super();
  }

  /** Runs the network. The caller chooses the guard (InferenceMode for serving). */
  public abstract Tensor forward(Tensor input);
}
