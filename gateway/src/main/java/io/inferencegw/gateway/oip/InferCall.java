package io.inferencegw.gateway.oip;

import java.util.List;

/**
 * An inference request of the Open Inference Protocol, whichever transport it came by.
 *
 * @param version empty for the current version
 * @param id echoed in the answer
 * @param outputs empty for every output of the model, as tensors
 */
record InferCall(String model, String version, String id, List<InputTensor> inputs,
    List<RequestedOutput> outputs) {}
