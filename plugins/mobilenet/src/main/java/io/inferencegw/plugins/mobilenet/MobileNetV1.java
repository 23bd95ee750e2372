package io.inferencegw.plugins.mobilenet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Activation;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.NamedSequential;
import io.inferencegw.plugin.api.blocks.Sequential;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;

/**
 * MobileNet (V1, Howard et al., 2017), the network of depthwise-separable convolutions of the
 * paper's Table 1, width 1.0, laid out and named as timm's {@code mobilenetv1_100} (timm 1.0.8
 * and later) so that its checkpoints load: 4,231,976 parameters.
 *
 * <pre>
 *   conv_stem   conv3x3 stride 2, 3-&gt;32, no bias;  bn1  BatchNorm + ReLU6
 *   blocks.S.I  depthwise-separable: conv_dw (3x3, groups = channels, stride of the stage's
 *               first block), bn1 + ReLU6, conv_pw (1x1), bn2 + ReLU6; no residual
 *               stages S (output channels x blocks, first stride): 64 x1 s1, 128 x2 s2,
 *               256 x2 s2, 512 x6 s2, 1024 x2 s2
 *   global average pool, flatten;  classifier  linear 1024-&gt;numClasses
 * </pre>
 *
 * As in timm, the activation is ReLU6 (the paper says ReLU) and BatchNorm has eps 1e-5. A
 * fresh network is initialised as timm's {@code _init_weight_goog}: convolutions
 * N(0, 2 / fan_out) with the fan-out divided by the groups, BatchNorm 1 and 0, the classifier
 * U(+-1 / sqrt(numClasses)) with bias 0.
 */
public final class MobileNetV1 extends ClassifierModule {

  /** One stage of depthwise-separable blocks: output channels, blocks, stride of the first. */
  public record Stage(int channels, int blocks, int stride) {}

  /** timm's {@code arch_def} for {@code _gen_mobilenet_v1} ({@code dsa_rN_k3_sS_cC}). */
  public static final List<Stage> STAGES = List.of(
      new Stage(64, 1, 1),
      new Stage(128, 2, 2),
      new Stage(256, 2, 2),
      new Stage(512, 6, 2),
      new Stage(1024, 2, 2));

  static final int STEM = 32;
  private static final Functional RELU6 = Activation.RELU6.layer();
  private static final Functional POOL = Layers.adaptiveAvgPool2d(1, 1);

  private final Conv2dImpl convStem;
  private final BatchNorm2dImpl bn1;
  private final Sequential blocks;
  private final LinearImpl classifier;

  public MobileNetV1(int numClasses) {
    super();
    convStem = register_module("conv_stem", Layers.conv2d(3, STEM, 3, 2, 1, 1, 1, false));
    bn1 = register_module("bn1", Layers.batchNorm2d(STEM));
    Sequential b = new Sequential();
    int in = STEM;
    for (Stage stage : STAGES) {
      Sequential s = new Sequential();
      for (int i = 0; i < stage.blocks(); i++) {
        s.add(depthwiseSeparable(in, stage.channels(), i == 0 ? stage.stride() : 1));
        in = stage.channels();
      }
      b.add(s);
    }
    blocks = register_module("blocks", b);
    classifier = register_module("classifier", Layers.linear(in, numClasses));
    initGoogle(this, numClasses);
  }

  /** timm's {@code DepthwiseSeparableConv} with {@code pw_act=True} and no skip. */
  static NamedSequential depthwiseSeparable(int in, int out, int stride) {
    return new NamedSequential()
        .add("conv_dw", Layers.conv2d(in, in, 3, stride, 1, 1, in, false))
        .add("bn1", Layers.batchNorm2d(in))
        .add("act1", RELU6)
        .add("conv_pw", Layers.conv2d(in, out, 1, 1, 0, 1, 1, false))
        .add("bn2", Layers.batchNorm2d(out))
        .add("act2", RELU6);
  }

  private static void initGoogle(ClassifierModule model, int numClasses) {
    double range = 1.0 / Math.sqrt(numClasses);
    try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
      StringTensorDict params = model.named_parameters(true);
      for (long i = 0; i < params.size(); i++) {
        Tensor p = params.get(i).value();
        if (p.dim() == 4) {
          // fan_out = kh * kw * out / groups; the only grouped convolutions are depthwise,
          // whose weights are [C, 1, k, k] (the stem's is [32, 3, 3, 3])
          long fanOut = p.size(0) * p.size(2) * p.size(3) / (p.size(1) == 1 ? p.size(0) : 1);
          Init.normal(p, 0, Math.sqrt(2.0 / fanOut));
        } else if (p.dim() == 2) {
          org.bytedeco.pytorch.global.torch.uniform_(p, -range, range);
        } else if (params.get(i).key().getString().endsWith("bias")) {
          Init.zeros(p);
        }
      }
    }
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, convStem::forward, bn1::forward, RELU6, blocks, POOL,
        Layers.FLATTEN, classifier::forward);
  }
}
