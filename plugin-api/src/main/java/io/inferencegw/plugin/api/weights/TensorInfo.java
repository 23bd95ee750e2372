package io.inferencegw.plugin.api.weights;

import java.util.Arrays;

/**
 * One tensor entry of a safetensors header, already validated: its byte range lies inside the
 * data section and matches dtype and shape.
 *
 * <p>Offsets are relative to the start of the data section (the byte after the header), as in
 * the file.
 */
public final class TensorInfo {

  private final String name;
  private final SafetensorsDtype dtype;
  private final long[] shape;
  private final long dataBegin;
  private final long dataEnd;

  TensorInfo(String name, SafetensorsDtype dtype, long[] shape, long dataBegin, long dataEnd) {
    this.name = name;
    this.dtype = dtype;
    this.shape = shape.clone();
    this.dataBegin = dataBegin;
    this.dataEnd = dataEnd;
  }

  public String name() {
    return name;
  }

  public SafetensorsDtype dtype() {
    return dtype;
  }

  /** A copy: callers may keep or change it. An empty array is a 0-dim (scalar) tensor. */
  public long[] shape() {
    return shape.clone();
  }

  public long dataBegin() {
    return dataBegin;
  }

  public long dataEnd() {
    return dataEnd;
  }

  public long byteSize() {
    return dataEnd - dataBegin;
  }

  /** Number of elements; 1 for a 0-dim tensor, 0 when a dimension is 0. */
  public long numel() {
    return numel(shape);
  }

  static long numel(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape) + " @[" + dataBegin + ", " + dataEnd + ")";
  }
}
