package io.inferencegw.plugin.api.weights;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Element types a safetensors file may hold that this gateway can turn into LibTorch tensors.
 *
 * <p>The names are the ones the format writes into the header. Types of the format that image
 * classifiers never ship (unsigned 16/32/64-bit, 8-bit floats) are left out on purpose: a file
 * using them is rejected with a clear message rather than half-supported.
 */
public enum SafetensorsDtype {
  BOOL(1, ScalarType.Bool),
  U8(1, ScalarType.Byte),
  I8(1, ScalarType.Char),
  I16(2, ScalarType.Short),
  I32(4, ScalarType.Int),
  I64(8, ScalarType.Long),
  F16(2, ScalarType.Half),
  BF16(2, ScalarType.BFloat16),
  F32(4, ScalarType.Float),
  F64(8, ScalarType.Double);

  private final int byteSize;
  private final ScalarType scalarType;

  SafetensorsDtype(int byteSize, ScalarType scalarType) {
    this.byteSize = byteSize;
    this.scalarType = scalarType;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** F16, BF16, F32 or F64. */
  public boolean isFloating() {
    return this == F16 || this == BF16 || this == F32 || this == F64;
  }

  /** U8 to I64; BOOL is neither integer nor floating. */
  public boolean isInteger() {
    return this == U8 || this == I8 || this == I16 || this == I32 || this == I64;
  }

  /**
   * Whether a file tensor of this type may be loaded into a module tensor of type {@code target}:
   * a floating parameter takes any floating type (converted; F64 is rounded to F32 as PyTorch's
   * {@code copy_} does), an integer buffer (BatchNorm's {@code num_batches_tracked}) any integer
   * type, a bool only bool. An integer file for a float parameter is refused: its values were
   * never weights (converting them gave near-random accuracy).
   */
  public boolean loadsInto(SafetensorsDtype target) {
    if (target.isFloating()) {
      return isFloating();
    }
    if (target.isInteger()) {
      return isInteger();
    }
    return this == target;
  }

  /** What {@link #loadsInto} accepts for a target of this type, for messages. */
  public String acceptedDescription() {
    if (isFloating()) {
      return "a floating type (F16, BF16, F32, F64)";
    }
    if (isInteger()) {
      return "an integer type (U8, I8, I16, I32, I64)";
    }
    return name();
  }

  /** The LibTorch element type with the same bit layout. */
  public ScalarType scalarType() {
    return scalarType;
  }

  /** The header name, or {@code null} when the format name is not one this gateway supports. */
  public static SafetensorsDtype fromName(String name) {
    for (SafetensorsDtype d : values()) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    return null;
  }

  /**
   * The type to store a LibTorch tensor as; throws for LibTorch types the format cannot hold.
   * Compares the native value: JavaCPP may hand out non-canonical enum instances.
   */
  public static SafetensorsDtype fromScalarType(ScalarType type) {
    for (SafetensorsDtype d : values()) {
      if (d.scalarType.value == type.value) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "LibTorch dtype " + type + " cannot be stored; supported: " + supportedNames());
  }

  /** For error messages. */
  static String supportedNames() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
