package io.inferencegw.plugin.api.parity;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The PyTorch model a variant is compared with, as parity_reference.py takes it: a torchvision
 * model name ({@code torchvision.models.get_model(name)}), or a label and a Python expression that
 * builds the module (with {@code torch, nn, F, torchvision, models, ops} in scope), for networks
 * torchvision has no builder for, e.g. {@code models.DenseNet(32, (6, 12, 64, 48), 64)}.
 *
 * @param label the name of the reference's output directory and of the model in reports
 * @param argument the MODEL argument of parity_reference.py
 */
public record Reference(String label, String argument) {

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_.-]+");

  public Reference {
    Objects.requireNonNull(argument, "argument");
    if (label == null || !LABEL.matcher(label).matches()) {
      throw new IllegalArgumentException("bad reference label: " + label);
    }
  }

  /** {@code torchvision.models.get_model(name)} with its default arguments. */
  public static Reference torchvision(String name) {
    return new Reference(name, name);
  }

  /** The module {@code pythonExpression} evaluates to, reported as {@code label}. */
  public static Reference expression(String label, String pythonExpression) {
    return new Reference(label, label + "=" + pythonExpression);
  }
}
