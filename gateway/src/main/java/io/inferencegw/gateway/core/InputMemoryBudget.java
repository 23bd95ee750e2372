package io.inferencegw.gateway.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound on the heap that admitted requests hold, across every model and front end: their
 * inputs (an encoded image may be 16 MiB) and the preprocessed tensors made from them. Queue
 * capacities bound how many requests wait, not how large they are: a thousand queued 16 MiB
 * images would need 16 GiB. A request that would take the total over the budget is refused at
 * admission with RESOURCE_EXHAUSTED, like a full queue, and nothing else is affected.
 */
public final class InputMemoryBudget {

  private final long maxBytes;
  private final AtomicLong used = new AtomicLong();

  public InputMemoryBudget(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("the budget must be positive, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /** A quarter of the maximum heap: room for the rest of the gateway and for garbage. */
  public static InputMemoryBudget quarterOfHeap() {
    return new InputMemoryBudget(Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 4));
  }

  /** Takes {@code bytes} from the budget, or answers false without taking anything. */
  public boolean tryReserve(long bytes) {
    while (true) {
      long now = used.get();
      if (now + bytes > maxBytes && now > 0) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  public void release(long bytes) {
    used.addAndGet(-bytes);
  }

  public long usedBytes() {
    return used.get();
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** The error for a request refused because the budget is spent. */
  public GatewayException exhausted(long bytes) {
    return new GatewayException(ErrorCode.RESOURCE_EXHAUSTED, "the gateway holds "
        + (used.get() >> 20) + " MiB of admitted inputs, its limit is " + (maxBytes >> 20)
        + " MiB; this request needs " + Math.max(1, bytes >> 10) + " KiB more (retry later)");
  }
}
