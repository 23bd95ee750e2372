package io.inferencegw.plugins.resnet;

import static io.inferencegw.plugins.resnet.ResNet.Block.BOTTLENECK;

import java.util.List;
import org.pf4j.Extension;

/**
 * Wide ResNet (Zagoruyko and Komodakis, 2016) as torchvision's {@code wide_resnet50_2} and
 * {@code wide_resnet101_2}: ResNet-50/101 whose bottleneck 3x3 convolutions are twice as wide
 * ({@code width_per_group = 64 * 2}); the outer 1x1 convolutions keep ResNet's channels. Built by
 * this plugin's {@link ResNet}, shared with ResNet and ResNeXt.
 *
 * <p>Preprocessing as the default torchvision weights ({@code IMAGENET1K_V2}): resize the shorter
 * side to 232 bilinear, center crop 224, ImageNet mean and std.
 */
@Extension
public class WideResnetFamily extends ResNetModuleFamily {

  public static final String NAME = "wide_resnet";

  public WideResnetFamily() {
    super(NAME, List.of(
        // the width factor 2 doubles the bottleneck's inner width: one group of 2 x 64
        new ResNetVariant("wide_resnet50_2",
            ResNet.Config.of(BOTTLENECK, 3, 4, 6, 3).withGroups(1, 64 * 2), 232),
        new ResNetVariant("wide_resnet101_2",
            ResNet.Config.of(BOTTLENECK, 3, 4, 23, 3).withGroups(1, 64 * 2), 232)));
  }
}
