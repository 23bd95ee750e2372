package io.inferencegw.plugins.regnet;

import io.inferencegw.plugin.api.ClassifierModule;
import io.inferencegw.plugin.api.blocks.Conv2dNormActivation;
import io.inferencegw.plugin.api.blocks.Functional;
import io.inferencegw.plugin.api.blocks.Init;
import io.inferencegw.plugin.api.blocks.Layers;
import io.inferencegw.plugin.api.blocks.NamedSequential;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;

/**
 * RegNet (Radosavovic et al., 2020) as torchvision's {@code models/regnet.py}:
 *
 * <pre>
 *   stem           conv3x3 stride 2 (3-&gt;32) + BN + ReLU          (SimpleStemIN)
 *   trunk_output   block1..blockS, one per stage of {@link BlockParams}; stage i holds
 *                  "blocki-0" (stride 2) .. "blocki-(d-1)", each a {@link ResBottleneckBlock}
 *   avgpool        adaptive to 1x1, flatten;  fc  linear -&gt;numClasses
 * </pre>
 *
 * A fresh network is initialised as torchvision's: convolution weights N(0, 2 / fan_out) with
 * {@code fan_out = kh * kw * out}, BatchNorm 1 and 0, the linear layer N(0, 0.01) with bias 0;
 * the squeeze-excitation biases keep PyTorch's default.
 */
public final class RegNet extends ClassifierModule {

  static final int STEM_WIDTH = 32;
  private static final Functional AVGPOOL = Layers.adaptiveAvgPool2d(1, 1);

  private final Conv2dNormActivation stem;
  private final NamedSequential trunkOutput;
  private final LinearImpl fc;

  public RegNet(BlockParams params, int numClasses) {
    this(params, numClasses, true);
  }

  /**
   * @param initialise whether to apply torchvision's initialisation on top of LibTorch's
   *     default one; without it the network builds faster, e.g. to load weights into it
   */
  RegNet(BlockParams params, int numClasses, boolean initialise) {
    super();
    stem = register_module("stem",
        Conv2dNormActivation.builder(3, STEM_WIDTH, 3).stride(2).build());
    NamedSequential trunk = new NamedSequential();
    int current = STEM_WIDTH;
    for (int i = 0; i < params.stages(); i++) {
      int widthOut = params.widths().get(i);
      NamedSequential stage = new NamedSequential();
      for (int j = 0; j < params.depths().get(i); j++) {
        stage.add("block" + (i + 1) + "-" + j, new ResBottleneckBlock(
            j == 0 ? current : widthOut, widthOut, j == 0 ? BlockParams.STRIDE : 1,
            params.groupWidths().get(i), params.bottleneckMultipliers().get(i),
            params.seRatio()));
      }
      trunk.add("block" + (i + 1), stage);
      current = widthOut;
    }
    trunkOutput = register_module("trunk_output", trunk);
    fc = register_module("fc", Layers.linear(current, numClasses));
    if (initialise) {
      initialise();
    }
  }

  private void initialise() {
    try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
      StringTensorDict params = named_parameters(true);
      for (long i = 0; i < params.size(); i++) {
        Tensor p = params.get(i).value();
        if (p.dim() == 4) {
          Init.kaimingNormalFanOut(p);
        } else if (p.dim() == 2) {
          Init.normal(p, 0, 0.01);
        }
      }
      Init.zeros(fc.bias());
    }
  }

  @Override
  public Tensor forward(Tensor input) {
    return Layers.chain(input, stem, trunkOutput, AVGPOOL, Layers.FLATTEN, fc::forward);
  }
}
