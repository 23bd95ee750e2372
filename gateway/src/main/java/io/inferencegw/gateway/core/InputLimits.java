package io.inferencegw.gateway.core;

/**
 * Size limits on client input, so that one request cannot exhaust the gateway's memory.
 *
 * @param maxMessageBytes largest gRPC message accepted at all (above the image limit, so that
 *     an oversized image still gets a precise INVALID_ARGUMENT)
 * @param maxImageBytes largest encoded image or raw pixel buffer
 * @param maxImagePixels largest decoded image, width times height; checked before decoding
 * @param maxAdmittedInputBytes heap that all admitted requests together may hold (inputs and
 *     their preprocessed tensors), see {@link InputMemoryBudget}; 0 means a quarter of the heap
 */
public record InputLimits(
    long maxMessageBytes, int maxImageBytes, long maxImagePixels, long maxAdmittedInputBytes) {

  /** 16 MiB images (a 4K JPEG is ~2-5 MB), 40 megapixels, 20 MiB messages. */
  public static final InputLimits DEFAULT =
      new InputLimits(20L * 1024 * 1024, 16 * 1024 * 1024, 40_000_000L, 0);

  public InputLimits withMaxAdmittedInputBytes(long bytes) {
    return new InputLimits(maxMessageBytes, maxImageBytes, maxImagePixels, bytes);
  }

  /** The budget these limits describe. */
  public InputMemoryBudget inputBudget() {
    return maxAdmittedInputBytes > 0
        ? new InputMemoryBudget(maxAdmittedInputBytes) : InputMemoryBudget.quarterOfHeap();
  }
}
