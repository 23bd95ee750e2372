package io.inferencegw.plugin.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A family whose variants are the rows of one table, as torchvision's builders are: each row
 * names a variant and holds what building it takes. A family says how a row becomes a
 * {@link VariantSpec} and a network; the lookup by name, the catalog and the error for an
 * unknown name are here, once.
 *
 * <pre>{@code
 * @Extension
 * public class VggFamily extends ConfiguredFamily<VggFamily.Config> {
 *   record Config(String name, String cfg, boolean batchNorm) implements Variant {}
 *
 *   public VggFamily() {
 *     super("vgg", List.of(new Config("vgg11", "A", false), ...));
 *   }
 *
 *   protected VariantSpec spec(Config c) { return VariantSpec.of(c.name(), 1000, PREPROCESS); }
 *   protected ClassifierModule build(Config c) { return new VGG(...); }
 * }
 * }</pre>
 *
 * @param <C> the family's row type
 */
public abstract class ConfiguredFamily<C extends ConfiguredFamily.Variant> implements ModelFamily {

  /** One row of the table: the name of the variant it builds. */
  public interface Variant {
    String name();
  }

  private final String name;
  private final Map<String, C> configs = new LinkedHashMap<>();
  /** Made on first use: {@link #spec} may read what a subclass's constructor sets. */
  private volatile List<VariantSpec> variants;

  /**
   * @param name the family name configs refer to
   * @param configs one row per variant, in catalog order; names unique
   */
  protected ConfiguredFamily(String name, List<C> configs) {
    this.name = name;
    for (C c : configs) {
      if (this.configs.put(c.name(), c) != null) {
        throw new IllegalArgumentException("family " + name + ": variant " + c.name() + " twice");
      }
    }
  }

  /** The catalog entry of a row. */
  protected abstract VariantSpec spec(C config);

  /** A fresh, randomly initialised network for the row (see {@link ModelFamily#build}). */
  protected abstract ClassifierModule build(C config);

  /**
   * The network to load a checkpoint into (see {@link ModelFamily#buildForLoading}); the same
   * as {@link #build(Variant)} unless a family can skip its own initialisation.
   */
  protected ClassifierModule buildForLoading(C config) {
    return build(config);
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
