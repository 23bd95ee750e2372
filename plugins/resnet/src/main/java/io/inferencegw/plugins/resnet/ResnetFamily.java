package io.inferencegw.plugins.resnet;

import static io.inferencegw.plugins.resnet.ResNet.Block.BASIC;
import static io.inferencegw.plugins.resnet.ResNet.Block.BOTTLENECK;

import java.util.List;
import org.pf4j.Extension;

/**
 * ResNet (He et al., 2015) as torchvision's {@code resnet18 ... resnet152}; the network and its
 * blocks are this plugin's {@link ResNet} (shared with Wide ResNet and ResNeXt).
 *
 * <p>Preprocessing follows each builder's default torchvision weights: ResNet-18 and -34
 * ({@code IMAGENET1K_V1}) resize the shorter side to 256, ResNet-50/101/152
 * ({@code IMAGENET1K_V2}) to 232; all bilinear, center crop 224, ImageNet mean and std.
 */
@Extension
public class ResnetFamily extends ResNetModuleFamily {

  public static final String NAME = "resnet";

  public ResnetFamily() {
    super(NAME, List.of(
        new ResNetVariant("resnet18", ResNet.Config.of(BASIC, 2, 2, 2, 2), 256),
        new ResNetVariant("resnet34", ResNet.Config.of(BASIC, 3, 4, 6, 3), 256),
        new ResNetVariant("resnet50", ResNet.Config.of(BOTTLENECK, 3, 4, 6, 3), 232),
        new ResNetVariant("resnet101", ResNet.Config.of(BOTTLENECK, 3, 4, 23, 3), 232),
        new ResNetVariant("resnet152", ResNet.Config.of(BOTTLENECK, 3, 8, 36, 3), 232)));
  }
}
