package io.inferencegw.plugins.resnet;

import static io.inferencegw.plugins.resnet.ResNet.Block.BOTTLENECK;

import java.util.List;
import org.pf4j.Extension;

/**
 * ResNeXt (Xie et al., 2016) as torchvision's {@code resnext50_32x4d}, {@code resnext101_32x8d}
 * and {@code resnext101_64x4d}: ResNet-50/101 bottlenecks whose 3x3 convolution is split into
 * {@code C} groups of width {@code d} at 64 planes (the {@code CxD} of the name). Built by
 * this plugin's {@link ResNet}, shared with ResNet and Wide ResNet.
 *
 * <p>Preprocessing as the default torchvision weights ({@code IMAGENET1K_V2}, and
 * {@code IMAGENET1K_V1} for 101_64x4d, the same transform): resize the shorter side to 232
 * bilinear, center crop 224, ImageNet mean and std.
 */
@Extension
public class ResnextFamily extends ResNetModuleFamily {

  public static final String NAME = "resnext";

  public ResnextFamily() {
    super(NAME, List.of(
        new ResNetVariant("resnext50_32x4d",
            ResNet.Config.of(BOTTLENECK, 3, 4, 6, 3).withGroups(32, 4), 232),
        new ResNetVariant("resnext101_32x8d",
            ResNet.Config.of(BOTTLENECK, 3, 4, 23, 3).withGroups(32, 8), 232),
        new ResNetVariant("resnext101_64x4d",
            ResNet.Config.of(BOTTLENECK, 3, 4, 23, 3).withGroups(64, 4), 232)));
  }
}
