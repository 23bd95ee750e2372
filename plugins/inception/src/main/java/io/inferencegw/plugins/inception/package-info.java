/**
 * The Inception plugin: {@link io.inferencegw.plugins.inception.InceptionFamily} with
 * Inception v3 of torchvision ({@code v3}), Inception v4 ({@code v4}) and Inception-ResNet v2
 * ({@code resnetv2}) of timm 1.0.9, each in its own package because the two lines name different
 * blocks alike ({@code InceptionA} of v3 is not v4's). The convolution unit of all three is
 * plugin-api's {@link io.inferencegw.plugin.api.blocks.inception.BasicConv2d}.
 */
package io.inferencegw.plugins.inception;
