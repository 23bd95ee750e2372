package io.inferencegw.gateway.oip;

/**
 * An output a client asked for.
 *
 * @param classification the classification extension's N: the top N classes as
 *     "score:index:label" strings instead of the tensor; 0 for the tensor itself
 * @param binary the binary tensor data extension: answered in the binary section of a REST
 *     response rather than as JSON (gRPC answers are always binary)
 */
record RequestedOutput(String name, int classification, boolean binary) {}
