/**
 * Inception v3 as torchvision's {@code models/inception.py}: {@link
 * io.inferencegw.plugins.inception.v3.Inception3} and its blocks A to E and the auxiliary head,
 * with torchvision's module names.
 */
package io.inferencegw.plugins.inception.v3;
