package io.inferencegw.plugin.api;

import io.inferencegw.plugin.api.blocks.Init;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A family whose variants are the rows of one table, as torchvision's builders are: each row
 * names a variant and holds what building it takes, and its preprocessing where rows differ
 * in it. A family says how a row becomes a network; the catalog (a variant takes what its
 * preprocessing yields, see {@link VariantSpec#of}), the lookup by name and the error for an
 * unknown name are here, once.
 *
 * <pre>{@code
 * @Extension
 * public class VggFamily extends ConfiguredFamily<VggFamily.Config> {
 *   record Config(String name, String cfg, boolean batchNorm) implements Variant {}
 *
 *   public VggFamily() {
 *     super("vgg", 1000, PREPROCESS, List.of(new Config("vgg11", "A", false), ...));
 *   }
 *
 *   protected ClassifierModule build(Config c) { return new VGG(...); }
 * }
 * }</pre>
 *
 * @param <C> the family's row type
 */
public abstract class ConfiguredFamily<C extends ConfiguredFamily.Variant> implements ModelFamily {

  /** One row of the table: the name of the variant it builds, and maybe its preprocessing. */
  public interface Variant {
    String name();

    /**
     * How an image becomes this variant's input, where the rows of a family differ in it; null
     * (the default) takes the one the family gives for every row.
     */
    default PreprocessSpec preprocess() {
      return null;
    }
  }

  private final String name;
  private final int numClasses;
  private final PreprocessSpec preprocess;
  private final Map<String, C> configs = new LinkedHashMap<>();
  /** Made on first use, as a row's preprocessing may read what a subclass's constructor sets. */
  private volatile List<VariantSpec> variants;

  /**
   * A family whose rows each give their own {@link Variant#preprocess preprocessing}.
   *
   * @param name the family name configs refer to
   * @param numClasses the logits every variant returns
   * @param configs one row per variant, in catalog order; names unique
   */
  protected ConfiguredFamily(String name, int numClasses, List<C> configs) {
    this(name, numClasses, null, configs);
  }

  /**
   * @param name the family name configs refer to
   * @param numClasses the logits every variant returns
   * @param preprocess the preprocessing of every row that gives none of its own
   * @param configs one row per variant, in catalog order; names unique
   */
  protected ConfiguredFamily(
      String name, int numClasses, PreprocessSpec preprocess, List<C> configs) {
    this.name = name;
    this.numClasses = numClasses;
    this.preprocess = preprocess;
    for (C c : configs) {
      if (this.configs.put(c.name(), c) != null) {
        throw new IllegalArgumentException("family " + name + ": variant " + c.name() + " twice");
      }
      if (c.preprocess() == null && preprocess == null) {
        throw new IllegalArgumentException(
            "family " + name + ": variant " + c.name() + " has no preprocessing");
      }
    }
  }

  /** The catalog entry of a row: it takes what its preprocessing yields. */
  private VariantSpec spec(C config) {
    return VariantSpec.of(config.name(), numClasses,
        config.preprocess() != null ? config.preprocess() : preprocess);
  }

  /** A fresh, randomly initialised network for the row (see {@link ModelFamily#build}). */
  protected abstract ClassifierModule build(C config);

  /**
   * The network to load a checkpoint into (see {@link ModelFamily#buildForLoading}): by
   * default {@link #build(Variant)} with {@link Init}'s fills skipped, as the interface's
   * default does; a family may skip more of its own initialisation.
   */
  protected ClassifierModule buildForLoading(C config) {
    return Init.skipped(() -> build(config));
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final List<VariantSpec> variants() {
    List<VariantSpec> specs = variants;
    if (specs == null) {
      specs = configs.values().stream().map(this::spec).toList();
      variants = specs;
    }
    return specs;
  }

  @Override
  public final ClassifierModule build(String variant) {
    return build(config(variant));
  }

  @Override
  public final ClassifierModule buildForLoading(String variant) {
    return buildForLoading(config(variant));
  }

  /** The row of {@code variant}, or an {@link IllegalArgumentException} naming the known ones. */
  public final C config(String variant) {
    C c = configs.get(variant);
    if (c == null) {
      requireVariant(variant); // throws, listing the known variants
      throw new IllegalStateException(name + ": the catalog names " + variant + ", no row does");
    }
    return c;
  }

  /** Every row, in catalog order. */
  public final List<C> configs() {
    return List.copyOf(configs.values());
  }
}
