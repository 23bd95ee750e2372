/**
 * The residual networks of torchvision's {@code models/resnet.py}, written once for the three
 * families built from them: ResNet (He et al., 2015), Wide ResNet (Zagoruyko and Komodakis,
 * 2016: a wider bottleneck, {@code width_per_group=128}) and ResNeXt (Xie et al., 2016: grouped
 * 3x3 convolutions, {@code groups} and {@code width_per_group}).
 *
 * <ul>
 *   <li>{@link io.inferencegw.plugin.api.blocks.resnet.BasicBlock}: two 3x3 convolutions
 *       (ResNet-18/34).</li>
 *   <li>{@link io.inferencegw.plugin.api.blocks.resnet.Bottleneck}: 1x1, grouped 3x3 with the
 *       stride (ResNet v1.5), 1x1 expanding by 4.</li>
 *   <li>{@link io.inferencegw.plugin.api.blocks.resnet.ResNet}: the network (stem, four stages
 *       of blocks, average pool, {@code fc}), with the state_dict keys of torchvision.</li>
 * </ul>
 *
 * Each family plugin only holds its table of configurations.
 */
package io.inferencegw.plugin.api.blocks.resnet;
