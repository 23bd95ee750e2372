/**
 * Pieces shared by the Inception line: GoogLeNet (Inception v1) and Inception v3 of torchvision,
 * Inception v4 and Inception-ResNet v2 of timm.
 *
 * <ul>
 *   <li>{@link io.inferencegw.plugin.api.blocks.inception.BasicConv2d}: conv (no bias),
 *       BatchNorm eps 1e-3, ReLU, keyed {@code conv} and {@code bn} as in torchvision and
 *       timm.</li>
 *   <li>{@link io.inferencegw.plugin.api.blocks.inception.TransformInput}: torchvision's
 *       {@code transform_input}, from ImageNet normalisation to the TensorFlow weights'
 *       {@code (x - 0.5) / 0.5}.</li>
 * </ul>
 */
package io.inferencegw.plugin.api.blocks.inception;
