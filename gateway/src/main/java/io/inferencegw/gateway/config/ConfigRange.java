package io.inferencegw.gateway.config;

/**
 * The inclusive range a numeric config key must fall in. Every number a config file or a
 * management call sets is bounded: a value far outside what the code was built for (30000
 * OpenMP threads, a batch of a billion) does not fail cleanly later, it takes the process down.
 * The message names the key and the range, so the caller can fix the value without reading code.
 *
 * @param key the key as written in the config ({@code batching.max_batch_size})
 * @param min smallest allowed value
 * @param max largest allowed value
 */
public record ConfigRange(String key, long min, long max) {

  /** Returns {@code value} if it is in range, else throws a {@link ConfigException} naming both. */
  public long check(long value) {
    if (value < min || value > max) {
      throw new ConfigException(key + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /** {@link #check} for int-valued keys. */
  public int check(int value) {
    return (int) check((long) value);
  }
}
