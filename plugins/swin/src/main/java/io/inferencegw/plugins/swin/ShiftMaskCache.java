package io.inferencegw.plugins.swin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The shift masks of one attention module, built once per padded map size, window, shift,
 * device and dtype, and kept (the least recently used dropped past {@link #CAPACITY}).
 *
 * <p>Ownership: the cache holds one reference to each mask, outside every {@code PointerScope};
 * {@link #get} hands the caller a handle of its own (a new {@code at::Tensor} on the same data,
 * attached to the caller's scope), so that dropping or clearing an entry never frees data a
 * forward pass still reads. {@link #clear} releases the cache's references.
 *
 * <p>Threads: a replica runs its forward passes on one thread, so the lock is uncontended and
 * costs next to nothing; it is there so that {@link #clear} from another thread (a model being
 * unloaded) and forward passes on several threads (tests) stay correct. What this relies on: a
 * mask is never modified once built (forward only reads it, as an input of out-of-place ops).
 */
final class ShiftMaskCache {

  /** Masks kept per module: a replica sees one input size per device, tests a few more. */
  static final int CAPACITY = 8;

  /** What a mask depends on. */
  record Key(long padH, long padW, int windowH, int windowW, long shiftH, long shiftW,
      String device, ScalarType dtype) {}

  private final Map<Key, Tensor> masks = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Tensor> eldest) {
      if (size() > CAPACITY) {
        eldest.getValue().close();
        return true;
      }
      return false;
    }
  };

  /**
   * The mask for {@code key}, built by {@code build} on first use. {@code build} runs in a
   * scope of its own with inference mode off, so the mask is a normal tensor, usable in and
   * out of inference mode, and everything else it creates is freed at once.
   */
  synchronized Tensor get(Key key, Supplier<Tensor> build) {
    Tensor mask = masks.get(key);
    if (mask == null) {
      try (PointerScope scope = new PointerScope();
          InferenceMode normal = new InferenceMode(false)) {
        mask = build.get();
        mask.retainReference(); // the cache's reference: survives the scope
      }
      masks.put(key, mask);
    }
    return new Tensor(mask);
  }

  synchronized int size() {
    return masks.size();
  }

  /** Releases every mask (forward passes under way keep theirs until their scopes end). */
  synchronized void clear() {
    masks.values().forEach(Tensor::close);
    masks.clear();
  }
}
