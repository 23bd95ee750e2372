package io.inferencegw.plugin.api;

import io.inferencegw.plugin.api.blocks.Init;
import java.util.List;
import java.util.Optional;
import org.pf4j.ExtensionPoint;

/**
 * One architecture family (LeNet, ResNet, ...), a PF4J extension of the plugin that provides it.
 * A plugin may provide several families, one extension each (the resnet plugin: resnet, resnext
 * and wide_resnet), each with a name of its own: the name is what configs refer to.
 *
 * <p>A family is a catalog of variants plus a factory that builds any of them as a LibTorch
 * module. Implementations are stateless: the gateway caches one instance per family of each
 * loaded plugin and calls {@link #build} once per replica.
 */
public interface ModelFamily extends ExtensionPoint {

  /** The family name that configs refer to, e.g. {@code "lenet"}. */
  String name();

  /** Every variant this family can build, in a stable order. */
  List<VariantSpec> variants();

  /**
   * Builds a fresh, randomly initialised network for the variant. The caller owns the returned
   * module and must {@link ClassifierModule#close() close} it when done.
   *
   * @throws IllegalArgumentException if the family has no such variant
   */
  ClassifierModule build(String variant);

  /**
   * Builds the network to load a checkpoint into right away (every parameter and buffer is then
   * overwritten, e.g. by {@code WeightLoader.loadStrict}): a family may skip its own weight
   * initialisation here, which takes seconds for the largest networks. Same structure as
   * {@link #build}. This default is {@link #build} with the fills of
   * {@link io.inferencegw.plugin.api.blocks.Init} skipped ({@code Init.skipped}): the layers
   * keep LibTorch's own initialisation, torchvision's second one is left out.
   *
   * @throws IllegalArgumentException if the family has no such variant
   */
  default ClassifierModule buildForLoading(String variant) {
    return Init.skipped(() -> build(variant));
  }

  /**
   * What a client should know about the variant's input beyond its {@link PreprocessSpec}, for
   * the gateway's catalog: e.g. a normalisation the network applies itself. Empty by default.
   *
   * @throws IllegalArgumentException if the family has no such variant
   */
  default String inputNote(String variant) {
    requireVariant(variant);
    return "";
  }

  /**
   * Exact number of trainable parameter elements (buffers excluded) of the variant, as PyTorch's
   * {@code sum(p.numel() for p in model.parameters())}. Counted on the network itself, built
   * without storage ({@link MetaBuild}): milliseconds, no memory.
   *
   * @throws IllegalArgumentException if the family has no such variant
   */
  default long parameterCount(String variant) {
    return MetaBuild.parameterCount(this, variant);
  }

  default Optional<VariantSpec> variant(String variant) {
    return variants().stream().filter(v -> v.name().equals(variant)).findFirst();
  }

  /** The variant's spec, or an {@link IllegalArgumentException} that lists the known variants. */
  default VariantSpec requireVariant(String variant) {
    return variant(variant)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "family '"
                        + name()
                        + "' has no variant '"
                        + variant
                        + "'; known: "
                        + variants().stream().map(VariantSpec::name).toList()));
  }
}
