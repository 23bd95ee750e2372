package io.inferencegw.plugins.swin;

import java.util.Iterator;
import java.util.function.Supplier;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Runs a step of a forward pass in a {@link PointerScope} of its own: every native object the
 * step creates (intermediate tensors, views, scalars, optionals) is released when the step
 * ends, except the tensor it returns, which goes to the caller.
 *
 * <p>How the result survives. JavaCPP counts references per handle: a handle created while a
 * scope is open is attached to the innermost scope that takes it (count 1), and closing that
 * scope releases it (count 0: freed). So before our scope closes, the result is attached as
 * well to the scope that encloses ours (count 2, back to 1 once ours closes: the enclosing
 * scope, or an earlier {@code close()} by the caller, frees it); with no enclosing scope it is
 * retained once instead (count 1 once ours closes: the caller owns it and closes it, as it
 * would any LibTorch result). {@code PointerScope.detach} would not do: it releases the
 * reference it drops, which frees a handle nobody else holds.
 *
 * <p>A step must return a tensor it created (any op's result, a view included), never its
 * argument handle itself. Scopes are per thread, so this is thread-confined.
 */
final class TensorScope {

  private TensorScope() {}

  static Tensor run(Supplier<Tensor> step) {
    try (PointerScope scope = new PointerScope()) {
      Tensor result = step.get();
      handToCaller(result, scope);
      return result;
    }
  }

  /** Attaches {@code result} to the first enclosing scope that takes a tensor, as JavaCPP does. */
  private static void handToCaller(Tensor result, PointerScope own) {
    Iterator<PointerScope> scopes = PointerScope.getScopeIterator(); // innermost first
    while (scopes != null && scopes.hasNext()) {
      PointerScope scope = scopes.next();
      if (scope == own) {
        continue;
      }
      try {
        scope.attach(result);
        return;
      } catch (IllegalArgumentException notForTensors) {
        // a scope limited to other classes: try the next one out, as JavaCPP does
      }
    }
    result.retainReference();
  }
}
