package io.inferencegw.plugin.api.blocks;

import org.bytedeco.pytorch.Tensor;

/**
 * One step of a forward pass: a tensor in, a tensor out.
 *
 * <p>The contract that lets {@link Sequential} and {@link Layers#chain} free intermediate
 * activations as soon as the next step has consumed them: a layer returns either its argument
 * itself (in-place operations: {@code x.relu_(); return x;}, using the {@code Tensor} member
 * method, which JavaCPP maps back to the same Java object) or a new tensor handle the caller
 * owns (what every LibTorch op and module {@code forward} returns). It never closes its
 * argument, and never keeps it beyond the call.
 */
@FunctionalInterface
public interface Layer {

  Tensor forward(Tensor x);
}
