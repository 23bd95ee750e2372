package io.inferencegw.plugin.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.StringSharedModuleDict;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;

/** The tensors of a module keyed like PyTorch's {@code state_dict()}, in the same order. */
public final class StateDict {

  private StateDict() {}

  /**
   * Parameters and buffers of every submodule, module by module in registration order, each
   * module's own parameters before its own buffers: the order {@code state_dict()} uses.
   */
  public static Map<String, Tensor> of(Module module) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    StringSharedModuleDict modules = module.named_modules();
    for (long i = 0; i < modules.size(); i++) {
      var item = modules.get(i);
      String prefix = keyOf(item.key());
      Module m = item.value();
      addAll(out, prefix, m.named_parameters(false));
      addAll(out, prefix, m.named_buffers(false));
    }
    return out;
  }

  /** Exact number of trainable parameter elements, as {@code sum(p.numel())} in PyTorch. */
  public static long parameterCount(Module module) {
    StringTensorDict params = module.named_parameters(true);
    long total = 0;
    for (long i = 0; i < params.size(); i++) {
      total += params.get(i).value().numel();
    }
    return total;
  }

  /** JavaCPP maps an empty std::string key (the root module) to null. */
  private static String keyOf(org.bytedeco.javacpp.BytePointer key) {
    return key == null ? "" : key.getString();
  }

  private static void addAll(Map<String, Tensor> out, String prefix, StringTensorDict dict) {
    for (long i = 0; i < dict.size(); i++) {
      var item = dict.get(i);
      String name = keyOf(item.key());
      out.put(prefix.isEmpty() ? name : prefix + "." + name, item.value());
    }
  }
}
