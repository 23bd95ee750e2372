/**
 * Inception v4 as timm 1.0.9's {@code models/inception_v4.py}: {@link
 * io.inferencegw.plugins.inception.v4.InceptionV4}, its stem pieces (Mixed3a, Mixed4a, Mixed5a),
 * Inception-A/B/C and Reduction-A/B, with timm's module names.
 */
package io.inferencegw.plugins.inception.v4;
