package io.inferencegw.gateway.worker;

import io.inferencegw.gateway.core.ModelInput;
import org.bytedeco.pytorch.Tensor;

/**
 * Turns a request's input into one row of the batch tensor. Splits in two steps so that bad
 * inputs are found (and answered) before the batch tensor is allocated.
 */
public interface InputPreparer {

  /** A checked, decoded input, ready to be written into its batch row. */
  interface Sample {
    /** Writes the network input, float [C,H,W], into {@code row}. */
    void writeInto(Tensor row);
  }

  /**
   * Decodes and checks an input (on the worker thread).
   *
   * @throws io.inferencegw.gateway.core.GatewayException INVALID_ARGUMENT for bad input
   */
  Sample prepare(ModelInput input);
}
