/**
 * The resnet plugin: torchvision's {@code models/resnet.py}, its network written once for the
 * three families built from it, each a PF4J extension of this plugin with its table of
 * configurations.
 *
 * <ul>
 *   <li>{@link io.inferencegw.plugins.resnet.ResnetFamily} {@code resnet}: ResNet (He et al.,
 *       2015).</li>
 *   <li>{@link io.inferencegw.plugins.resnet.ResnextFamily} {@code resnext}: ResNeXt (Xie et
 *       al., 2016: grouped 3x3 convolutions, {@code groups} and {@code width_per_group}).</li>
 *   <li>{@link io.inferencegw.plugins.resnet.WideResnetFamily} {@code wide_resnet}: Wide ResNet
 *       (Zagoruyko and Komodakis, 2016: a wider bottleneck, {@code width_per_group=128}).</li>
 * </ul>
 *
 * The network, in the plugin so that reloading the plugin reloads it too:
 *
 * <ul>
 *   <li>{@link io.inferencegw.plugins.resnet.BasicBlock}: two 3x3 convolutions
 *       (ResNet-18/34).</li>
 *   <li>{@link io.inferencegw.plugins.resnet.Bottleneck}: 1x1, grouped 3x3 with the
 *       stride (ResNet v1.5), 1x1 expanding by 4.</li>
 *   <li>{@link io.inferencegw.plugins.resnet.ResNet}: the network (stem, four stages
 *       of blocks, average pool, {@code fc}), with the state_dict keys of torchvision.</li>
 * </ul>
 */
package io.inferencegw.plugins.resnet;
