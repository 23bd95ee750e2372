/**
 * Inception-ResNet v2 as timm 1.0.9's {@code models/inception_resnet_v2.py}: {@link
 * io.inferencegw.plugins.inception.resnetv2.InceptionResnetV2}, the reductions Mixed_5b, Mixed_6a,
 * Mixed_7a and the scaled residual blocks Block35, Block17, Block8, with timm's module names.
 */
package io.inferencegw.plugins.inception.resnetv2;
